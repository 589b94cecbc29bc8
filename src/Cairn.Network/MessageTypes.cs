namespace Cairn.Network;

/// <summary>The message types of the compute connection (the <c>type</c> field of a <see cref="WireMessage"/>).</summary>
public static class MessageTypes
{
    /// <summary>Orchestrator → node, control: a nonce to sign, first frame on a new connection.</summary>
    public const string Challenge = "challenge";

    /// <summary>Node → orchestrator, control: the signed hello (identity, node info, resume point).</summary>
    public const string Hello = "hello";

    /// <summary>Orchestrator → node, control: admitted, pending or rejected, and where to resume.</summary>
    public const string Welcome = "welcome";

    /// <summary>Either way, control: I am alive (carries the sender's ack).</summary>
    public const string Heartbeat = "heartbeat";

    /// <summary>Either way, control: acknowledges everything up to <see cref="WireMessage.Ack"/>.</summary>
    public const string Ack = "ack";

    /// <summary>Node → orchestrator: the replay after a (re)connect is done; the node is ready for work.</summary>
    public const string Ready = "ready";

    /// <summary>Orchestrator → node: <c>IComputeNode.GetInfoAsync</c>.</summary>
    public const string GetInfo = "get-info";

    /// <summary>Orchestrator → node: <c>IComputeNode.GetLocalBytesAsync</c>.</summary>
    public const string GetLocalBytes = "get-local-bytes";

    /// <summary>Orchestrator → node: <c>IComputeNode.AskBidAsync</c>.</summary>
    public const string AskBid = "ask-bid";

    /// <summary>Orchestrator → node: <c>IComputeNode.BidAcceptedAsync</c> (no response: the node reports).</summary>
    public const string BidAccepted = "bid-accepted";

    /// <summary>Orchestrator → node: <c>IComputeNode.CancelAsync</c> (no response).</summary>
    public const string Cancel = "cancel";

    /// <summary>Orchestrator → node: <c>IReplicaHolder.PinReplicaAsync</c> (answered when the copy is pinned; the node keeps serving meanwhile).</summary>
    public const string PinReplica = "pin-replica";

    /// <summary>Orchestrator → node: <c>IReplicaHolder.UnpinReplicaAsync</c>.</summary>
    public const string UnpinReplica = "unpin-replica";

    /// <summary>Orchestrator → node: <c>IReplicaHolder.GetReplicaAsync</c>.</summary>
    public const string GetReplica = "get-replica";

    /// <summary>Node → orchestrator (control): the node's provider records, whole (sent after each connect and when they change).</summary>
    public const string Provide = "provide";

    /// <summary>Node → orchestrator: the answer to a request, correlated by its id.</summary>
    public const string Response = "response";

    /// <summary>Node → orchestrator: <c>IComputeCallback.ReportAsync</c>.</summary>
    public const string Report = "report";
}
