using Cairn.Content.DagCbor;
using Cairn.Ledger.Identity;
using Cairn.Ledger.State;
using Cairn.Multiformats;

namespace Cairn.Ledger.Chain;

/// <summary>Encodes, signs and decodes <see cref="Block"/>s.</summary>
public static class BlockCodec
{
    /// <summary>Signs a block (its <see cref="Block.Signature"/> is ignored) with the producer key.</summary>
    public static Block Sign(Block block, LedgerKey producer)
    {
        ArgumentNullException.ThrowIfNull(block);
        ArgumentNullException.ThrowIfNull(producer);
        return block with { Producer = producer.Did.Text, Signature = producer.Sign(DagCbor.Encode(ToMap(block with { Producer = producer.Did.Text }, withSignature: false))) };
    }

    /// <summary>The signed block's bytes.</summary>
    public static byte[] Encode(Block block) => DagCbor.Encode(ToMap(block, withSignature: true));

    /// <summary>The block's id.</summary>
    public static Cid IdOf(ReadOnlySpan<byte> encoded) => Cid.Compute(1, Multicodec.DagCbor, encoded);

    /// <summary>True when the producer's signature holds.</summary>
    public static bool VerifySignature(Block block)
    {
        ArgumentNullException.ThrowIfNull(block);
        return SignatureVerifier.Verify(block.Producer, DagCbor.Encode(ToMap(block, withSignature: false)), block.Signature.Span);
    }

    /// <summary>Decodes a block strictly; unknown or missing fields are errors.</summary>
    public static Block Decode(ReadOnlySpan<byte> data)
    {
        if (DagCbor.Decode(data) is not Dictionary<string, object?> map)
        {
            throw Invalid("it is not a map");
        }

        foreach (var key in map.Keys)
        {
            if (key is not ("height" or "parent" or "time" or "txs" or "stateRoot" or "producer" or "genesis" or "sig"))
            {
                throw Invalid($"unknown field '{key}'");
            }
        }

        try
        {
            var txs = Payload.Cids(map, "txs", "block");
            var parent = map.GetValueOrDefault("parent") switch
            {
                null => null,
                Cid c => c,
                _ => throw Invalid("parent is not a CID"),
            };
            var genesis = Payload.OptionalMap(map, "genesis", "block") is { } g ? ReadGenesis(g) : null;
            return new Block(
                Payload.Long(map, "height", "block"),
                parent,
                Payload.Long(map, "time", "block"),
                txs,
                Payload.Bytes(map, "stateRoot", "block"),
                Payload.String(map, "producer", "block"),
                genesis,
                Payload.Bytes(map, "sig", "block"));
        }
        catch (RuleViolation e)
        {
            throw Invalid(e.Message);
        }
    }

    internal static Dictionary<string, object?> GenesisMap(GenesisConfig g)
    {
        var allocations = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (k, v) in g.Allocations)
        {
            allocations[k] = v;
        }

        return new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["chain"] = g.Chain,
            ["producer"] = g.Producer,
            ["treasury"] = g.Treasury,
            ["orchestrators"] = g.Orchestrators,
            ["protocolFeeBps"] = g.ProtocolFeeBps,
            ["verifierShareBps"] = g.VerifierShareBps,
            ["allocations"] = allocations,
            ["time"] = g.Time,
        };
    }

    private static GenesisConfig ReadGenesis(IReadOnlyDictionary<string, object?> g)
    {
        var allocations = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var (k, v) in Payload.Map(g, "allocations", "genesis"))
        {
            allocations[k] = Payload.TryLong(v, out var amount) ? amount : throw Invalid($"genesis.allocations.{k} is not an integer");
        }

        return new GenesisConfig(
            Payload.String(g, "chain", "genesis"),
            Payload.String(g, "producer", "genesis"),
            Payload.String(g, "treasury", "genesis"),
            Payload.Strings(g, "orchestrators", "genesis"),
            Payload.Long(g, "protocolFeeBps", "genesis"),
            Payload.Long(g, "verifierShareBps", "genesis"),
            allocations,
            Payload.Long(g, "time", "genesis"));
    }

    private static Dictionary<string, object?> ToMap(Block b, bool withSignature)
    {
        var map = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["height"] = b.Height,
            ["parent"] = b.Parent,
            ["time"] = b.Time,
            ["txs"] = b.Txs,
            ["stateRoot"] = b.StateRoot,
            ["producer"] = b.Producer,
        };
        if (b.Genesis is not null)
        {
            map["genesis"] = GenesisMap(b.Genesis);
        }

        if (withSignature)
        {
            map["sig"] = b.Signature;
        }

        return map;
    }

    private static CairnException Invalid(string why) => new(ErrorCode.InvalidInput, $"Not a Cairn block: {why}.");
}
