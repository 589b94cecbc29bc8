using System.Reflection;

namespace Cairn.Wasm.Runtime;

/// <summary>
/// A function value: what tables hold and imports bind. Compiled code calls it through
/// <see cref="Code"/> (a function pointer) with <see cref="Context"/> as the last argument.
/// </summary>
public sealed class WasmFunction
{
#pragma warning disable SA1401, CA1051
    // Fields, not properties: compiled code loads them for indirect and imported calls. Code is zero
    // until a module function is first needed (see EnsureCode).
    internal IntPtr Code;
    internal readonly object Context;
    internal readonly int TypeId;
#pragma warning restore SA1401, CA1051
    private readonly HostFunction? _host;
    private readonly CompiledModule? _module;
    private readonly int _local;
    private string? _name;

    internal WasmFunction(FuncType type, IntPtr code, object context, HostFunction? host)
    {
        Type = type;
        TypeId = type.Id;
        Code = code;
        Context = context;
        _host = host;
    }

    /// <summary>Function <paramref name="local"/> of <paramref name="module"/> (imports excluded) in <paramref name="instance"/>.</summary>
    internal WasmFunction(FuncType type, WasmInstance instance, CompiledModule module, int local)
    {
        Type = type;
        TypeId = type.Id;
        Code = module.Code[local];
        Context = instance;
        _module = module;
        _local = local;
    }

    /// <summary>The signature.</summary>
    public FuncType Type { get; }

    /// <summary>A name for messages.</summary>
    public string Name
    {
        get => _name ??= _module is null ? "?" : _module.Module.FunctionName(_module.Module.ImportedFunctionCount + _local);
        internal set => _name = value;
    }

    /// <summary>Creates a function value for a host function.</summary>
    public static WasmFunction FromHost(HostFunction host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var (code, _) = HostStubs.Get(host.Type);
        return new WasmFunction(host.Type, code, host, host) { Name = "host" };
    }

    /// <summary>Calls the function. Traps surface as <see cref="WasmTrap"/>.</summary>
    public WasmValue[] Invoke(params WasmValue[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length != Type.Params.Length)
        {
            throw new CairnException(ErrorCode.InvalidArgument, $"function {Name} takes {Type.Params.Length} arguments, got {args.Length}");
        }

        for (var i = 0; i < args.Length; i++)
        {
            if (args[i].Type != Type.Params[i])
            {
                throw new CairnException(ErrorCode.InvalidArgument, $"argument {i} of {Name} must be {FuncType.Name(Type.Params[i])}, got {FuncType.Name(args[i].Type)}");
            }
        }

        if (_host is not null)
        {
            return _host.Call(args);
        }

        var instance = (WasmInstance)Context;
        var boxed = new object?[args.Length + 1];
        for (var i = 0; i < args.Length; i++)
        {
            boxed[i] = args[i].Box();
        }

        boxed[^1] = Context;
        var savedDepth = instance.CallDepth;
        object? ret;
        try
        {
            ret = _module!.MethodOf(_local).Invoke(null, BindingFlags.DoNotWrapExceptions, null, boxed, null);
        }
        catch (InsufficientExecutionStackException e)
        {
            throw new WasmTrap(TrapKind.CallStackExhausted, WasmTrap.MessageOf(TrapKind.CallStackExhausted), e);
        }
        finally
        {
            instance.CallDepth = savedDepth;
        }

        var results = Type.Results;
        if (results.Length == 0)
        {
            return [];
        }

        if (results.Length == 1)
        {
            return [WasmValue.Unbox(results[0], ret)];
        }

        var values = new WasmValue[results.Length];
        for (var i = 0; i < results.Length; i++)
        {
            values[i] = results[i] switch
            {
                ValType.I32 => WasmValue.FromI32(MultiValue.GetI32(i)),
                ValType.I64 => WasmValue.FromI64(MultiValue.GetI64(i)),
                ValType.F32 => WasmValue.FromF32(MultiValue.GetF32(i)),
                ValType.F64 => WasmValue.FromF64(MultiValue.GetF64(i)),
                _ => WasmValue.FromRef(results[i], MultiValue.GetRef(i)),
            };
        }

        return values;
    }

    /// <summary>Makes <see cref="Code"/> callable: compiles a module function on its first use as a value.</summary>
    internal void EnsureCode()
    {
        if (Code == IntPtr.Zero && _module is not null)
        {
            Code = _module.Resolve(_local);
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"function {Name} {Type}";
}
