using System.Reflection;
using System.Reflection.Emit;

namespace Cairn.Wasm.Compilation;

/// <summary>
/// Metadata tokens of the helper methods a module's code calls, resolved once per module.
/// Emitting a call by MethodInfo makes the dynamic module look the member reference up again every
/// time (a linear search in the metadata emitter), which made compile time grow with the square of
/// the module size. Emitting by token is exact for ILGenerator's stack tracking when a call pushes
/// as many values as it pops; when it pops more, the tracked maximum only overestimates (harmless).
/// </summary>
internal sealed class CallTokens(ModuleBuilder module)
{
    private readonly Dictionary<MethodInfo, (int Token, bool ByToken)> _tokens = [];

    public void Emit(ILGenerator il, MethodInfo method)
    {
        if (!_tokens.TryGetValue(method, out var entry))
        {
            var pops = method.GetParameters().Length;
            var pushes = method.ReturnType == typeof(void) ? 0 : 1;
            // Generic instantiations need a MethodSpec, which this token would not be.
            entry = pops >= pushes && !method.IsGenericMethod ? (module.GetMethodMetadataToken(method), true) : (0, false);
            _tokens[method] = entry;
        }

        if (entry.ByToken)
        {
            il.Emit(OpCodes.Call, entry.Token);
        }
        else
        {
            il.Emit(OpCodes.Call, method);
        }
    }
}
