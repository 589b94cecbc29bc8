using System.Reflection;
using System.Reflection.Emit;

namespace Cairn.Wasm.Compilation;

/// <summary>
/// Metadata tokens of the helper methods a module's code calls and the fields it reads, resolved once per module.
/// Emitting a call by MethodInfo makes the dynamic module look the member reference up again every
/// time (a linear search in the metadata emitter), which made compile time grow with the square of
/// the module size. Emitting by token is exact for ILGenerator's stack tracking when a call pushes
/// as many values as it pops; when it pops more, the tracked maximum only overestimates (harmless).
/// </summary>
internal sealed class CallTokens(ModuleBuilder module)
{
    private readonly Dictionary<MethodInfo, (int Token, bool ByToken)> _tokens = [];
    private readonly Dictionary<FieldInfo, int> _fields = [];

    /// <summary>
    /// Emits a field access (ldfld, stfld, ldsfld...) by a token resolved once per module: emitting by
    /// FieldInfo looked the member reference up again on every use, a tenth of a large module's compile
    /// time (perf on bench/wasm-compile.sh). The opcodes' own stack behaviour is exact for fields.
    /// </summary>
    public void EmitField(ILGenerator il, OpCode opcode, FieldInfo field)
    {
        if (!_fields.TryGetValue(field, out var token))
        {
            token = module.GetFieldMetadataToken(field);
            _fields[field] = token;
        }

        il.Emit(opcode, token);
    }

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
