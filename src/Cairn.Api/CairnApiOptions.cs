using Cairn.Jobs;

namespace Cairn.Api;

/// <summary>Settings of the REST API.</summary>
public sealed class CairnApiOptions
{
    /// <summary>The node <c>GET /api/v1/agent/node</c> describes; the first node of the directory when unset.</summary>
    public NodeId? LocalNode { get; set; }

    /// <summary>The largest request body read (job specs are at most 16 MiB).</summary>
    public long MaxRequestBodyBytes { get; set; } = 17 * 1024 * 1024;

    /// <summary>Captured stdout/stderr up to this size are inlined in job results.</summary>
    public int MaxInlineLogBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// Files up to this size are read and verified whole before the answer starts (a bad block is
    /// then a clean error); larger ones are streamed, and a bad block cuts the connection.
    /// </summary>
    public int MaxBufferedFileBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>The most jobs a list request returns per page.</summary>
    public int MaxPageSize { get; set; } = 1000;
}
