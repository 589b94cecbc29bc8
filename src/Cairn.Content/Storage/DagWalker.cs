using Cairn.Multiformats;
using Cairn.Storage;

namespace Cairn.Content.Storage;

/// <summary>Extracts the CIDs a block links to, in the codec's link order.</summary>
/// <param name="cid">The block's CID (its codec says how to decode it).</param>
/// <param name="block">The block's bytes.</param>
internal delegate IReadOnlyList<Cid> LinkExtractor(Cid cid, ReadOnlySpan<byte> block);

/// <summary>
/// Depth-first, pre-order walks over DAGs in a block store: each block once (deduplicated by CID),
/// children in link order, as <c>ipfs dag export</c> and go-car's traversal visit them. Used by
/// recursive pin checks, gc's mark phase and CAR export.
/// </summary>
internal static class DagWalker
{
    /// <summary>The production link extractor.</summary>
    public static LinkExtractor DefaultLinks { get; } = static (cid, block) => BlockLinks.Get(cid, block);

    /// <summary>
    /// Visits every block reachable from <paramref name="roots"/> in pre-order, calling
    /// <paramref name="visit"/> with its CID and verified bytes. A missing block throws
    /// <see cref="ErrorCode.NotFound"/> naming it and the block that links to it; a damaged one
    /// throws <see cref="ErrorCode.IntegrityViolation"/> (from the store).
    /// </summary>
    /// <param name="roots">Where to start, in order.</param>
    /// <param name="store">The blocks.</param>
    /// <param name="visited">Blocks already visited (shared across calls to walk several roots once); updated.</param>
    /// <param name="visit">Called once per block in pre-order.</param>
    /// <param name="readRawBlocks">When false, raw blocks (which have no links) are only checked for presence, not read and verified.</param>
    /// <param name="links">The link extractor (tests inject one).</param>
    /// <param name="cancellationToken">Cancels the walk.</param>
    /// <param name="verify">
    /// False to skip hashing blocks read from a <see cref="FileBlockStore"/> (a presence check right
    /// after an import that hashed them anyway); gc and export always verify.
    /// </param>
    public static async Task WalkAsync(
        IReadOnlyList<Cid> roots,
        IBlockStore store,
        HashSet<Cid> visited,
        Func<Cid, ReadOnlyMemory<byte>?, CancellationToken, ValueTask> visit,
        bool readRawBlocks,
        LinkExtractor? links,
        CancellationToken cancellationToken,
        bool verify = true)
    {
        var files = verify ? null : store as FileBlockStore;
        links ??= DefaultLinks;
        var stack = new Stack<(Cid Cid, Cid? Parent)>();
        for (var i = roots.Count - 1; i >= 0; i--)
        {
            stack.Push((roots[i], null));
        }

        while (stack.TryPop(out var item))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var cid = item.Cid;
            if (!visited.Add(cid))
            {
                continue;
            }

            if (cid.HashCode == Multicodec.Identity)
            {
                // The bytes are inline in the CID; nothing is stored.
                var inline = cid.Digest.ToArray();
                await visit(cid, inline, cancellationToken);
                PushChildren(stack, cid, links(cid, inline));
                continue;
            }

            if (cid.Codec == Multicodec.Raw && !readRawBlocks)
            {
                if (!await store.HasAsync(cid, cancellationToken))
                {
                    throw Missing(cid, item.Parent);
                }

                await visit(cid, null, cancellationToken);
                continue;
            }

            var block = (files is not null ? files.ReadUnverified(cid) : await store.GetAsync(cid, cancellationToken)) ?? throw Missing(cid, item.Parent);
            await visit(cid, block, cancellationToken);
            PushChildren(stack, cid, links(cid, block));
        }
    }

    private static void PushChildren(Stack<(Cid, Cid?)> stack, Cid parent, IReadOnlyList<Cid> children)
    {
        for (var i = children.Count - 1; i >= 0; i--)
        {
            stack.Push((children[i], parent));
        }
    }

    private static CairnException Missing(Cid cid, Cid? parent) => new(
        ErrorCode.NotFound,
        parent is null ? $"Block {cid} is not in the local store." : $"Block {cid} (linked from {parent}) is not in the local store.")
    {
        Hint = "Add or import the complete content first (e.g. `cairn car import FILE.car`).",
    };
}
