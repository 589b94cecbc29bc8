using Cairn.Multiformats;

namespace Cairn.Content.Storage;

/// <summary>The set of pinned roots. Pins are keyed by multihash, so a CIDv0 and its CIDv1 are the same pin.</summary>
public interface IPinStore
{
    /// <summary>Adds or updates a pin (recursive wins over direct when both are asked for).</summary>
    Task AddAsync(Cid cid, PinMode mode, string? name = null, CancellationToken cancellationToken = default);

    /// <summary>Removes a pin; false when there was none.</summary>
    Task<bool> RemoveAsync(Cid cid, CancellationToken cancellationToken = default);

    /// <summary>The pin on exactly this CID's content, or null.</summary>
    Task<Pin?> GetAsync(Cid cid, CancellationToken cancellationToken = default);

    /// <summary>Every pin.</summary>
    IAsyncEnumerable<Pin> ListAsync(CancellationToken cancellationToken = default);
}
