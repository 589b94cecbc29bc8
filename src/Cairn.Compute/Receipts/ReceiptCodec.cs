using Cairn.Content.DagCbor;
using Cairn.Ledger.Chain;
using Cairn.Ledger.Identity;
using Cairn.Market;
using Cairn.Multiformats;

namespace Cairn.Compute.Receipts;

/// <summary>
/// The wire form of a receipt: the DAG-CBOR map <c>{v, job, execution, node, engine, module?, inputs:[{target, cid}],
/// outputs:[{name, cid}], stdout, stderr, exitCode, error?, usage:{fuel, cpuMillis, gbMillis}, deal?, startedAt,
/// finishedAt, sig}</c>. Signed like ledger transactions: ES256 (low-S) by the node's key over the canonical
/// encoding of the same map without <c>sig</c>; the receipt's id is the CIDv1 (dag-cbor) of the signed map.
/// </summary>
public static class ReceiptCodec
{
    private const int SignatureLength = 64;

    private static readonly HashSet<string> Keys = new(StringComparer.Ordinal)
    {
        "v", "job", "execution", "node", "engine", "module", "inputs", "outputs", "stdout", "stderr",
        "exitCode", "error", "usage", "deal", "startedAt", "finishedAt", "sig",
    };

    /// <summary>The canonical bytes the node signs.</summary>
    public static byte[] SigningBytes(Receipt receipt) => DagCbor.Encode(ToMap(receipt, null));

    /// <summary>Signs <paramref name="receipt"/> with the node's key and encodes it.</summary>
    /// <returns>The block to store; its CID is <paramref name="result"/>.Cid.</returns>
    public static byte[] Encode(Receipt receipt, LedgerKey nodeKey, out SignedReceipt result)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        ArgumentNullException.ThrowIfNull(nodeKey);
        if (receipt.Node != nodeKey.Did.Text)
        {
            throw new CairnException(ErrorCode.InvalidArgument, $"The receipt names node {receipt.Node} but the key is {nodeKey.Did.Text}.");
        }

        var signature = nodeKey.Sign(SigningBytes(receipt));
        var bytes = DagCbor.Encode(ToMap(receipt, signature));
        result = new SignedReceipt(receipt, signature, Cid.Compute(1, Multicodec.DagCbor, bytes));
        return bytes;
    }

    /// <summary>
    /// Decodes a receipt block. Strict: only the canonical encoding with exactly the receipt's fields is
    /// accepted. The signature is not checked here: call <see cref="Verify"/> or <see cref="DecodeVerified"/>.
    /// </summary>
    /// <exception cref="CairnException"><see cref="ErrorCode.InvalidInput"/> naming the field that is wrong.</exception>
    public static SignedReceipt Decode(ReadOnlySpan<byte> data)
    {
        object? value;
        try
        {
            value = DagCbor.Decode(data);
        }
        catch (CairnException e)
        {
            throw Invalid($"it is not strict DAG-CBOR ({e.Message})");
        }

        if (value is not Dictionary<string, object?> map)
        {
            throw Invalid("it is not a map");
        }

        foreach (var key in map.Keys)
        {
            if (!Keys.Contains(key))
            {
                throw Invalid($"unknown field \"{key}\"");
            }
        }

        var version = Int(map, "v");
        if (version != 1)
        {
            throw Invalid($"version {version} is not supported (expected 1)");
        }

        var usage = Map(Required(map, "usage"), "usage");
        var receipt = new Receipt
        {
            Version = 1,
            Job = Str(map, "job"),
            Execution = Str(map, "execution"),
            Node = Str(map, "node"),
            Engine = Str(map, "engine"),
            Module = map.TryGetValue("module", out var module) ? Link(module, "module") : null,
            Inputs = List(map, "inputs").Select((item, i) =>
            {
                var m = Map(item, $"inputs[{i}]");
                Exactly(m, $"inputs[{i}]", "target", "cid");
                return new ReceiptInput(Str(m, "target", $"inputs[{i}]."), Link(m["cid"], $"inputs[{i}].cid"));
            }).ToList(),
            Outputs = List(map, "outputs").Select((item, i) =>
            {
                var m = Map(item, $"outputs[{i}]");
                Exactly(m, $"outputs[{i}]", "name", "cid");
                return new ReceiptOutput(Str(m, "name", $"outputs[{i}]."), Link(m["cid"], $"outputs[{i}].cid"));
            }).ToList(),
            Stdout = Link(Required(map, "stdout"), "stdout"),
            Stderr = Link(Required(map, "stderr"), "stderr"),
            ExitCode = Int(map, "exitCode") is var code and >= int.MinValue and <= int.MaxValue ? (int)code : throw Invalid("field \"exitCode\" is out of range"),
            Error = map.ContainsKey("error") ? Str(map, "error") : null,
            Usage = new Usage(Int(usage, "fuel", "usage."), Int(usage, "cpuMillis", "usage."), Int(usage, "gbMillis", "usage.")),
            Deal = map.ContainsKey("deal") ? Str(map, "deal") : null,
            StartedAt = Int(map, "startedAt"),
            FinishedAt = Int(map, "finishedAt"),
        };
        Exactly(usage, "usage", "fuel", "cpuMillis", "gbMillis");
        if (Required(map, "sig") is not byte[] sig || sig.Length != SignatureLength)
        {
            throw Invalid($"field \"sig\" must be {SignatureLength} bytes");
        }

        // Decoding is strict, so re-encoding what was read must give the same bytes; anything else
        // (a field of the wrong kind that still parsed) is not a receipt this codec wrote.
        var again = DagCbor.Encode(ToMap(receipt, sig));
        if (!again.AsSpan().SequenceEqual(data))
        {
            throw Invalid("its fields do not re-encode to the same bytes");
        }

        return new SignedReceipt(receipt, sig, Cid.Compute(1, Multicodec.DagCbor, data));
    }

    /// <summary>True when the signature is the receipt node's over the receipt.</summary>
    public static bool Verify(SignedReceipt receipt)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        return SignatureVerifier.Verify(receipt.Receipt.Node, SigningBytes(receipt.Receipt), receipt.Signature.Span);
    }

    /// <summary>Decodes a receipt and checks its signature.</summary>
    /// <exception cref="CairnException"><see cref="ErrorCode.InvalidInput"/> when malformed, <see cref="ErrorCode.IntegrityViolation"/> when the signature does not verify.</exception>
    public static SignedReceipt DecodeVerified(ReadOnlySpan<byte> data)
    {
        var receipt = Decode(data);
        return Verify(receipt)
            ? receipt
            : throw new CairnException(ErrorCode.IntegrityViolation, $"Receipt {receipt.Cid}: the signature is not {receipt.Receipt.Node}'s over its contents.")
            {
                Hint = "The receipt was altered after signing, or was not signed by the node it names.",
            };
    }

    internal static Dictionary<string, object?> ToMap(Receipt receipt, byte[]? signature)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        var map = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["v"] = (long)receipt.Version,
            ["job"] = receipt.Job,
            ["execution"] = receipt.Execution,
            ["node"] = receipt.Node,
            ["engine"] = receipt.Engine,
            ["inputs"] = receipt.Inputs.Select(i => new Dictionary<string, object?>(StringComparer.Ordinal) { ["target"] = i.Target, ["cid"] = i.Cid }).ToList(),
            ["outputs"] = receipt.Outputs.Select(o => new Dictionary<string, object?>(StringComparer.Ordinal) { ["name"] = o.Name, ["cid"] = o.Cid }).ToList(),
            ["stdout"] = receipt.Stdout,
            ["stderr"] = receipt.Stderr,
            ["exitCode"] = (long)receipt.ExitCode,
            ["usage"] = UsageReports.UsageMap(receipt.Usage),
            ["startedAt"] = receipt.StartedAt,
            ["finishedAt"] = receipt.FinishedAt,
        };
        if (receipt.Module is { } module)
        {
            map["module"] = module;
        }

        if (receipt.Error is { } error)
        {
            map["error"] = error;
        }

        if (receipt.Deal is { } deal)
        {
            map["deal"] = deal;
        }

        if (signature is not null)
        {
            map["sig"] = signature;
        }

        return map;
    }

    private static object Required(Dictionary<string, object?> map, string key, string prefix = "") =>
        map.TryGetValue(key, out var value) && value is not null ? value : throw Invalid($"field \"{prefix}{key}\" is missing");

    private static string Str(Dictionary<string, object?> map, string key, string prefix = "") =>
        Required(map, key, prefix) as string ?? throw Invalid($"field \"{prefix}{key}\" must be a string");

    private static long Int(Dictionary<string, object?> map, string key, string prefix = "") =>
        Required(map, key, prefix) is long n ? n : throw Invalid($"field \"{prefix}{key}\" must be an integer");

    private static Cid Link(object? value, string path) =>
        value as Cid ?? throw Invalid($"field \"{path}\" must be a CID link");

    private static Dictionary<string, object?> Map(object? value, string path) =>
        value as Dictionary<string, object?> ?? throw Invalid($"field \"{path}\" must be a map");

    private static List<object?> List(Dictionary<string, object?> map, string key) =>
        Required(map, key) as List<object?> ?? throw Invalid($"field \"{key}\" must be a list");

    private static void Exactly(Dictionary<string, object?> map, string path, params string[] keys)
    {
        foreach (var key in map.Keys)
        {
            if (Array.IndexOf(keys, key) < 0)
            {
                throw Invalid($"unknown field \"{path}.{key}\"");
            }
        }
    }

    private static CairnException Invalid(string why) => new(ErrorCode.InvalidInput, $"Not a valid receipt: {why}.");
}
