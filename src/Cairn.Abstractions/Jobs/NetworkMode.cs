namespace Cairn.Jobs;

/// <summary>The network a task may use (Bacalhau's <c>Network.Type</c>).</summary>
public enum NetworkMode
{
    /// <summary>No network (the default; Wasm tasks never have one).</summary>
    None,

    /// <summary>The host's network (containers only, trusted nodes only).</summary>
    Host,

    /// <summary>HTTP(S) to the domains listed in the task's network domains.</summary>
    Http,

    /// <summary>Unrestricted outbound network.</summary>
    Full,
}
