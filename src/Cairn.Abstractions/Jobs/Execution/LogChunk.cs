namespace Cairn.Jobs.Execution;

/// <summary>A piece of an execution's output.</summary>
/// <param name="Source">Which stream it came from.</param>
/// <param name="Data">The bytes, as written.</param>
public sealed record LogChunk(LogSource Source, ReadOnlyMemory<byte> Data);
