namespace System.Runtime.CompilerServices;

/// <summary>
/// Honoured by the runtime (not the compiler): applied to the dynamic assemblies that hold compiled
/// modules so their code may read Cairn.Wasm's internal fields without making them public.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
internal sealed class IgnoresAccessChecksToAttribute : Attribute
{
    public IgnoresAccessChecksToAttribute(string assemblyName) => AssemblyName = assemblyName;

    public string AssemblyName { get; }
}
