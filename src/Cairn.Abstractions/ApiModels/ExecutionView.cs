using Cairn.Jobs;

namespace Cairn.ApiModels;

/// <summary>An execution summarized for the API, with its deal and settlement when the market recorded them.</summary>
public sealed record ExecutionView
{
    /// <summary>The execution's id.</summary>
    public required string ID { get; init; }

    /// <summary>Its job.</summary>
    public required string JobID { get; init; }

    /// <summary>The node it was placed on.</summary>
    public required string NodeID { get; init; }

    /// <summary>Observed state.</summary>
    public ExecutionState State { get; init; }

    /// <summary>Desired state.</summary>
    public ExecutionDesiredState DesiredState { get; init; }

    /// <summary>Why it is in its state.</summary>
    public string? StateMessage { get; init; }

    /// <summary>Attempt number (1 for the first placement of the job).</summary>
    public int Attempt { get; init; }

    /// <summary>The accepted bid's price.</summary>
    public long? BidPrice { get; init; }

    /// <summary>Exit code, once finished.</summary>
    public int? ExitCode { get; init; }

    /// <summary>The receipt's CID, once published.</summary>
    public string? ReceiptCID { get; init; }

    /// <summary>The ledger deal that pays for it (null for a free job).</summary>
    public string? DealID { get; init; }

    /// <summary>The CID of the transaction that opened the deal.</summary>
    public string? DealTxCID { get; init; }

    /// <summary>The deal's state as the orchestrator last recorded it: null while it is being opened.</summary>
    public Cairn.Market.DealStatus? DealStatus { get; init; }

    /// <summary>The CID of the transaction that closed the deal (settled, failed...).</summary>
    public string? SettlementTxCID { get; init; }

    /// <summary>Paid to the provider once the deal closed.</summary>
    public long? Paid { get; init; }

    /// <summary>Returned to the client once the deal closed.</summary>
    public long? Refunded { get; init; }

    /// <summary>Metered usage, once finished.</summary>
    public Cairn.Market.Usage? Usage { get; init; }

    /// <summary>Where each input came from (local store, peers, url) and the bytes moved, once finished.</summary>
    public IReadOnlyList<InputOrigin>? Inputs { get; init; }

    /// <summary>When the execution was created.</summary>
    public DateTimeOffset CreateTime { get; init; }

    /// <summary>When it last changed.</summary>
    public DateTimeOffset ModifyTime { get; init; }

    /// <summary>When the node started it.</summary>
    public DateTimeOffset? StartTime { get; init; }

    /// <summary>Builds the view of a stored execution.</summary>
    public static ExecutionView From(ExecutionRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return new ExecutionView
        {
            ID = record.Id.Value,
            JobID = record.JobId.Value,
            NodeID = record.NodeId.Value,
            State = record.State,
            DesiredState = record.DesiredState,
            StateMessage = record.StateMessage,
            Attempt = record.Attempt,
            BidPrice = record.BidPrice,
            ExitCode = record.Result?.ExitCode,
            ReceiptCID = record.Result?.ReceiptCid,
            DealID = record.DealId ?? record.Result?.UsageReport?.DealId,
            DealTxCID = record.DealTxCid,
            DealStatus = record.DealStatus,
            SettlementTxCID = record.SettlementTxCid,
            Paid = record.Paid,
            Refunded = record.Refunded,
            Usage = record.Result?.Usage,
            Inputs = record.Result?.Inputs,
            CreateTime = record.CreatedAt,
            ModifyTime = record.ModifiedAt,
            StartTime = record.StartedAt,
        };
    }
}
