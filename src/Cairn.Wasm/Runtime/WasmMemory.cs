namespace Cairn.Wasm.Runtime;

/// <summary>A linear memory: a byte array that grows in 64 KiB pages up to its maximum and the host's page limit.</summary>
public sealed class WasmMemory
{
    /// <summary>Bytes per page.</summary>
    public const int PageSize = 65536;

    /// <summary>Hard cap: .NET arrays hold at most about 2 GiB.</summary>
    public const uint MaxPagesSupported = 32767;

    /// <summary>Creates a memory of <paramref name="minPages"/> pages.</summary>
    /// <param name="minPages">Initial size in pages.</param>
    /// <param name="maxPages">Declared maximum, if any.</param>
    /// <param name="pageLimit">The host's limit (fails instantiation if below the minimum, stops growth above it).</param>
    public WasmMemory(uint minPages, uint? maxPages = null, uint pageLimit = MaxPagesSupported)
    {
        Max = maxPages;
        PageLimit = Math.Min(pageLimit, MaxPagesSupported);
        if (minPages > PageLimit)
        {
            throw new CairnException(ErrorCode.InvalidInput, $"memory of {minPages} pages exceeds the page limit of {PageLimit} pages")
            {
                Hint = "Raise the memory limit (--memory-limit) or build the module with a smaller initial memory.",
            };
        }

        Bytes = new byte[(long)minPages * PageSize];
        PeakBytes = Bytes.Length;
    }

    /// <summary>Current size in pages.</summary>
    public uint Pages => (uint)(Bytes.Length / PageSize);

    /// <summary>Declared maximum in pages.</summary>
    public uint? Max { get; }

    /// <summary>The host's page limit.</summary>
    public uint PageLimit { get; }

    /// <summary>Largest size reached, in bytes.</summary>
    public long PeakBytes { get; private set; }

    /// <summary>The memory's contents (replaced on growth: do not hold on to it across calls).</summary>
    public Span<byte> Span => Bytes;

#pragma warning disable SA1401, CA1051
    // A field, not a property: compiled code loads it directly.
    internal byte[] Bytes;
#pragma warning restore SA1401, CA1051

    /// <summary>Grows by <paramref name="delta"/> pages; returns the old size in pages, or -1 when the limit forbids it.</summary>
    public int Grow(uint delta)
    {
        var old = Pages;
        var target = (ulong)old + delta;
        if (target > (Max ?? 65536) || target > PageLimit)
        {
            return -1;
        }

        if (delta == 0)
        {
            return (int)old;
        }

        byte[] grown;
        try
        {
            grown = new byte[(long)target * PageSize];
        }
        catch (OutOfMemoryException)
        {
            return -1;
        }

        Buffer.BlockCopy(Bytes, 0, grown, 0, Bytes.Length);
        Bytes = grown;
        PeakBytes = Math.Max(PeakBytes, grown.Length);
        return (int)old;
    }
}
