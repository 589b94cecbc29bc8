using System.Text.Json;
using Cairn.Tests.Shared;
using Codec = Cairn.Content.DagCbor.DagCbor;

namespace Cairn.Content.Tests.DagCbor;

/// <summary>
/// Runs the reference implementation (@ipld/dag-cbor, tests/interop/dagcbor-oracle.mjs) once for
/// every value and every non-canonical input the interop tests check: node starts slowly.
/// </summary>
public sealed class DagCborOracleFixture : IAsyncLifetime
{
    public const int RandomCount = 600;

    public IReadOnlyList<(string Name, object? Value, byte[] Ours)> Cases { get; private set; } = [];

    public IReadOnlyList<CaseResult> Results { get; private set; } = [];

    public IReadOnlyList<(bool Rejected, string? Error)> Rejections { get; private set; } = [];

    public IReadOnlyList<byte[]> TruncationInputs { get; private set; } = [];

    public IReadOnlyList<(bool Rejected, string? Error)> TruncationRejections { get; private set; } = [];

    /// <summary>Random mutations of valid encodings, decoded by both implementations.</summary>
    public IReadOnlyList<byte[]> MutatedInputs { get; private set; } = [];

    /// <summary>The reference's decoding of each mutated input: its dumped value, or its error.</summary>
    public IReadOnlyList<(JsonElement? Value, string? Error)> MutatedResults { get; private set; } = [];

    public async Task InitializeAsync()
    {
        var cases = DagCborSamples.EdgeCases().Select(c => (c.Name, c.Value)).ToList();
        var random = new Random(20261122);
        for (var i = 0; i < RandomCount; i++)
        {
            cases.Add(($"random #{i}", DagCborSamples.Random(random, 4)));
        }

        Cases = cases.Select(c => (c.Name, c.Value, Codec.Encode(c.Value))).ToList();
        var ledger = Codec.Encode(DagCborSamples.LedgerLike(7));
        TruncationInputs = Enumerable.Range(0, ledger.Length).Select(n => ledger[..n]).ToList();

        var mutations = new Random(4242);
        MutatedInputs = Enumerable.Range(0, 4000).Select(_ => Mutate(Cases[mutations.Next(Cases.Count)].Ours, mutations)).ToList();

        using var stdin = new MemoryStream();
        using (var json = new Utf8JsonWriter(stdin))
        {
            json.WriteStartObject();
            json.WriteStartArray("cases");
            foreach (var (_, value, ours) in Cases)
            {
                json.WriteStartObject();
                json.WritePropertyName("value");
                DagCborSamples.WriteTagged(json, value);
                json.WriteBase64String("ours", ours);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("rejects");
            foreach (var bytes in DagCborNonCanonical.All.Select(s => s.Bytes).Concat(TruncationInputs))
            {
                json.WriteBase64StringValue(bytes);
            }

            json.WriteEndArray();
            json.WriteStartArray("decodes");
            foreach (var bytes in MutatedInputs)
            {
                json.WriteBase64StringValue(bytes);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var output = await NodeOracle.RunBytesAsync("dagcbor-oracle.mjs", [], timeout.Token, stdin.ToArray());
        using var doc = JsonDocument.Parse(output);
        Results = doc.RootElement.GetProperty("cases").EnumerateArray().Select(e => new CaseResult(
            e.GetProperty("bytes").ValueKind == JsonValueKind.Null ? null : e.GetProperty("bytes").GetBytesFromBase64(),
            e.GetProperty("encodeError").GetString(),
            e.GetProperty("extendedFloat").GetBoolean(),
            e.GetProperty("decodesOurs").GetBoolean(),
            e.GetProperty("decodeError").GetString())).ToList();
        var rejections = doc.RootElement.GetProperty("rejects").EnumerateArray()
            .Select(e => (e.GetProperty("rejected").GetBoolean(), e.GetProperty("error").GetString())).ToList();
        Rejections = rejections.Take(DagCborNonCanonical.All.Count).ToList();
        TruncationRejections = rejections.Skip(DagCborNonCanonical.All.Count).ToList();
        MutatedResults = doc.RootElement.GetProperty("decodes").EnumerateArray()
            .Select(e => (e.GetProperty("value").ValueKind == JsonValueKind.Null && e.GetProperty("error").ValueKind == JsonValueKind.String
                    ? (JsonElement?)null
                    : e.GetProperty("value").Clone(),
                e.GetProperty("error").GetString()))
            .ToList();
    }

    private static byte[] Mutate(byte[] bytes, Random random)
    {
        var list = bytes.ToList();
        var at = random.Next(list.Count);
        switch (random.Next(5))
        {
            case 0:
                list[at] = (byte)random.Next(256);
                break;
            case 1:
                list[at] ^= (byte)(1 << random.Next(8));
                break;
            case 2:
                list.Insert(at, (byte)random.Next(256));
                break;
            case 3:
                list.RemoveAt(at);
                break;
            default:
                // Small arithmetic changes hit lengths and counts, which flipping random bits rarely does well.
                list[at] = (byte)(list[at] + random.Next(-2, 3));
                break;
        }

        return [.. list];
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public sealed record CaseResult(byte[]? Bytes, string? EncodeError, bool ExtendedFloat, bool DecodesOurs, string? DecodeError);
}
