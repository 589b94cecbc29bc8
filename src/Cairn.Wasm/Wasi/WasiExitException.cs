namespace Cairn.Wasm.Wasi;

/// <summary>Unwinds wasm frames when the module calls proc_exit.</summary>
internal sealed class WasiExitException : Exception
{
    public WasiExitException(int code)
        : base($"proc_exit({code})") => Code = code;

    public WasiExitException()
    {
    }

    public WasiExitException(string message)
        : base(message)
    {
    }

    public WasiExitException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public int Code { get; }
}
