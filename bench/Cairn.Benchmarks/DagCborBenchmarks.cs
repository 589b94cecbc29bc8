using System.Buffers;
using System.Numerics;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Cairn.Content.DagCbor;
using Cairn.Multiformats;

namespace Cairn.Benchmarks;

/// <summary>
/// Encoding and decoding a ledger-like signed transaction (a map of 9 entries with a CID list, a
/// nested payload map, a big amount and a 64-byte signature). Baselines: the generic object API
/// (DagCbor.Encode / Decode); also shown is System.Text.Json on the same dictionary, as a familiar yardstick.
/// Run: dotnet run -c Release --project bench/Cairn.Benchmarks -- --filter '*DagCbor*'
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class DagCborBenchmarks
{
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private Dictionary<string, object?> _transaction = null!;
    private Dictionary<string, object?> _jsonTransaction = null!;
    private Cid _input = null!;
    private Cid _prev = null!;
    private byte[] _signature = null!;
    private byte[] _encoded = null!;

    [GlobalSetup]
    public void Setup()
    {
        _input = Cid.Compute(1, Multicodec.Raw, "input"u8);
        _prev = Cid.Compute(1, Multicodec.DagCbor, "prev"u8);
        _signature = Enumerable.Range(0, 64).Select(i => (byte)(i * 7)).ToArray();
        _transaction = new Dictionary<string, object?>
        {
            ["type"] = "deal",
            ["from"] = "did:key:zDnaerDaTF5BXEavCrfRZEk316dpbLsfPDZ3WJ5hRTPFU2169",
            ["nonce"] = 42L,
            ["amount"] = new BigInteger(12345678901234567890UL),
            ["fee"] = 1000L,
            ["inputs"] = new List<object?> { _input, _prev },
            ["payload"] = new Dictionary<string, object?> { ["job"] = "j-42", ["cpu"] = 1.5, ["memory"] = 268435456L },
            ["prev"] = _prev,
            ["signature"] = _signature,
        };
        _encoded = DagCbor.Encode(_transaction);

        // System.Text.Json has no BigInteger converter: the JSON yardstick carries the amount as a string.
        _jsonTransaction = new Dictionary<string, object?>(_transaction) { ["amount"] = "12345678901234567890" };
        EncodeTyped();
        if (!_buffer.WrittenSpan.SequenceEqual(_encoded))
        {
            throw new InvalidOperationException("The typed writer and the object encoder disagree.");
        }
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Encode")]
    public byte[] EncodeObject() => DagCbor.Encode(_transaction);

    [Benchmark]
    [BenchmarkCategory("Encode")]
    public int EncodeTyped()
    {
        // Keys in canonical order: length first, then bytewise.
        _buffer.ResetWrittenCount();
        var w = new DagCborWriter(_buffer);
        w.WriteStartMap(9);
        w.WriteString("fee");
        w.WriteInt64(1000);
        w.WriteString("from");
        w.WriteString("did:key:zDnaerDaTF5BXEavCrfRZEk316dpbLsfPDZ3WJ5hRTPFU2169");
        w.WriteString("prev");
        w.WriteCid(_prev);
        w.WriteString("type");
        w.WriteString("deal");
        w.WriteString("nonce");
        w.WriteInt64(42);
        w.WriteString("amount");
        w.WriteUInt64(12345678901234567890UL);
        w.WriteString("inputs");
        w.WriteStartArray(2);
        w.WriteCid(_input);
        w.WriteCid(_prev);
        w.WriteString("payload");
        w.WriteStartMap(3);
        w.WriteString("cpu");
        w.WriteDouble(1.5);
        w.WriteString("job");
        w.WriteString("j-42");
        w.WriteString("memory");
        w.WriteInt64(268435456);
        w.WriteString("signature");
        w.WriteBytes(_signature);
        return _buffer.WrittenCount;
    }

    [Benchmark]
    [BenchmarkCategory("Encode")]
    public byte[] EncodeSystemTextJson() => JsonSerializer.SerializeToUtf8Bytes(_jsonTransaction, JsonOptions.Instance);

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Decode")]
    public object? DecodeObject() => DagCbor.Decode(_encoded);

    [Benchmark]
    [BenchmarkCategory("Decode")]
    public long DecodeTyped()
    {
        var r = new DagCborReader(_encoded);
        var entries = r.ReadStartMap();
        long sum = 0;
        for (var i = 0; i < entries; i++)
        {
            var key = r.ReadUtf8String();
            switch (key.Length)
            {
                case 3 when key.SequenceEqual("fee"u8):
                case 5 when key.SequenceEqual("nonce"u8):
                    sum += r.ReadInt64();
                    break;
                case 6 when key.SequenceEqual("amount"u8):
                    sum += (long)(r.ReadUInt64() & 0xffff);
                    break;
                case 4 when key.SequenceEqual("prev"u8):
                    sum += r.ReadCid().Version;
                    break;
                default:
                    r.Skip();
                    break;
            }
        }

        r.ReadEnd();
        return sum;
    }

    [Benchmark]
    [BenchmarkCategory("Decode")]
    public IReadOnlyList<Cid> Links() => DagCbor.Links(_encoded);

    private static class JsonOptions
    {
        public static readonly JsonSerializerOptions Instance = new() { Converters = { new CidJsonConverter() } };
    }

    private sealed class CidJsonConverter : System.Text.Json.Serialization.JsonConverter<Cid>
    {
        public override Cid Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => Cid.Parse(reader.GetString()!);

        public override void Write(Utf8JsonWriter writer, Cid value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
    }
}
