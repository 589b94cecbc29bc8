using Cairn.Market;

namespace Cairn.ApiModels;

/// <summary>A deal as the ledger has it.</summary>
public sealed record DealView
{
    /// <summary>The deal id.</summary>
    public required string ID { get; init; }

    /// <summary>Who pays.</summary>
    public required string Client { get; init; }

    /// <summary>Who computes.</summary>
    public required string Provider { get; init; }

    /// <summary>The orchestrator that opened it.</summary>
    public required string Orchestrator { get; init; }

    /// <summary>The provider's offer.</summary>
    public required string OfferID { get; init; }

    /// <summary>The job.</summary>
    public required string Job { get; init; }

    /// <summary>The execution.</summary>
    public required string Execution { get; init; }

    /// <summary>Prices agreed.</summary>
    public required UsagePrices Prices { get; init; }

    /// <summary>Escrowed budget.</summary>
    public long Budget { get; init; }

    /// <summary>Provider's collateral.</summary>
    public long Collateral { get; init; }

    /// <summary>Deadline (Unix milliseconds).</summary>
    public long Deadline { get; init; }

    /// <summary>Status.</summary>
    public DealStatus Status { get; init; }

    /// <summary>Paid to the provider at settlement.</summary>
    public long Paid { get; init; }

    /// <summary>Protocol fee taken at settlement.</summary>
    public long ProtocolFee { get; init; }

    /// <summary>The client's prepaid plan the budget was drawn from, or null.</summary>
    public string? Subscription { get; init; }

    /// <summary>How much of the budget came from that plan.</summary>
    public long FromSubscription { get; init; }

    /// <summary>Builds the view of a ledger deal.</summary>
    public static DealView From(Deal deal)
    {
        ArgumentNullException.ThrowIfNull(deal);
        return new DealView
        {
            ID = deal.Id,
            Client = deal.Client,
            Provider = deal.Provider,
            Orchestrator = deal.Orchestrator,
            OfferID = deal.OfferId,
            Job = deal.Job,
            Execution = deal.Execution,
            Prices = deal.Prices,
            Budget = deal.Budget,
            Collateral = deal.Collateral,
            Deadline = deal.Deadline,
            Status = deal.Status,
            Paid = deal.Paid,
            ProtocolFee = deal.ProtocolFee,
            Subscription = deal.Subscription,
            FromSubscription = deal.FromSubscription,
        };
    }
}
