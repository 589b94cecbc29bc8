namespace Cairn.Jobs.Execution;

/// <summary>A result path made ready: an empty writable host directory the task sees at <paramref name="Path"/>.</summary>
/// <param name="Name">The result's name from the spec.</param>
/// <param name="Path">The absolute path inside the sandbox.</param>
/// <param name="HostPath">The host directory; its contents are published after the run.</param>
public sealed record PreparedOutput(string Name, string Path, string HostPath);
