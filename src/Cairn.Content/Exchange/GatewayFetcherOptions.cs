namespace Cairn.Content.Exchange;

/// <summary>Limits for <see cref="GatewayFetcher"/>.</summary>
public sealed record GatewayFetcherOptions
{
    /// <summary>
    /// The largest block accepted (and the largest CAR section: the block plus its CID). Default
    /// 4 MiB, what Cairn's own CAR import accepts; the trustless-gateway spec's blocks are at most 2 MiB.
    /// </summary>
    public int MaxBlockBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>The most bytes one fetch reads from all peers together (default 64 GiB).</summary>
    public long MaxFetchBytes { get; init; } = 64L << 30;

    /// <summary>How long a peer may send nothing (no headers, no body bytes) before it is given up on for this fetch.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Whether to ask for the whole DAG as one CAR first (<c>?format=car&amp;dag-scope=all</c>) before block-by-block raw requests.</summary>
    public bool UseCar { get; init; } = true;
}
