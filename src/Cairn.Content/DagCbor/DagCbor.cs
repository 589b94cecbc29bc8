using System.Buffers;
using System.Collections;
using System.Numerics;
using System.Text;
using Cairn.Multiformats;

namespace Cairn.Content.DagCbor;

/// <summary>
/// The DAG-CBOR codec (https://ipld.io/specs/codecs/dag-cbor/spec/) in its strict, deterministic
/// form: one value has exactly one encoding, and decoding accepts only that encoding. Byte-for-byte
/// compatible with the reference encoder <c>@ipld/dag-cbor</c>.
/// </summary>
/// <remarks>
/// <para><see cref="Encode"/> accepts <c>null</c>, <see cref="bool"/>, the integer types and
/// <see cref="BigInteger"/> (-2^64..2^64-1), finite <see cref="double"/> and <see cref="float"/>,
/// <see cref="string"/>, <c>byte[]</c> / <see cref="ReadOnlyMemory{T}"/> / <see cref="Memory{T}"/> / <see cref="ArraySegment{T}"/> of bytes, <see cref="Cid"/>,
/// dictionaries with string keys (<see cref="IReadOnlyDictionary{TKey, TValue}"/>, <see cref="IDictionary{TKey, TValue}"/>,
/// or any non-generic <see cref="IDictionary"/> whose keys are strings) and other <see cref="IEnumerable"/>s as lists.</para>
/// <para><see cref="Decode"/> returns <c>null</c>, <see cref="bool"/>, <see cref="long"/> (or <see cref="ulong"/> above
/// <see cref="long.MaxValue"/>, or <see cref="BigInteger"/> below <see cref="long.MinValue"/>), <see cref="double"/>,
/// <see cref="string"/>, <c>byte[]</c>, <see cref="Cid"/>, <see cref="List{T}"/> of values, and maps as
/// <see cref="Dictionary{TKey, TValue}"/> whose enumeration order is the canonical key order.</para>
/// </remarks>
public static class DagCbor
{
    /// <summary>How deeply lists and maps may nest (the top-level container counts as 1).</summary>
    public const int MaxDepth = 256;

    /// <summary>The smallest integer DAG-CBOR can hold: -2^64.</summary>
    public static readonly BigInteger MinInteger = -(BigInteger.One << 64);

    private const int CachedWriterMaxCapacity = 64 * 1024;

    [ThreadStatic]
    private static DagCborWriter? _cachedWriter;

    /// <summary>Encodes <paramref name="value"/> canonically.</summary>
    public static byte[] Encode(object? value)
    {
        // One writer per thread is reused; it is taken out while in use, so a nested call (from a
        // caller's enumerator) gets a fresh one.
        var writer = _cachedWriter ?? new DagCborWriter();
        _cachedWriter = null;
        try
        {
            Write(writer, value, 0);
            return writer.ToArray();
        }
        finally
        {
            if (writer.OwnCapacity <= CachedWriterMaxCapacity)
            {
                writer.Reset();
                _cachedWriter = writer;
            }
        }
    }

    /// <summary>Encodes <paramref name="value"/> canonically into <paramref name="writer"/> (as one item).</summary>
    public static void Write(DagCborWriter writer, object? value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Write(writer, value, writer.Depth);
    }

    /// <summary>Decodes one strict DAG-CBOR item that fills all of <paramref name="data"/>.</summary>
    public static object? Decode(ReadOnlySpan<byte> data)
    {
        var reader = new DagCborReader(data);
        var value = Read(ref reader);
        reader.ReadEnd();
        return value;
    }

    /// <summary>Reads one item (with its children) from <paramref name="reader"/> as data-model values.</summary>
    public static object? Read(ref DagCborReader reader)
    {
        switch (reader.PeekKind())
        {
            case DagCborKind.Null:
                reader.ReadNull();
                return null;
            case DagCborKind.Bool:
                return reader.ReadBool();
            case DagCborKind.Integer:
                var negative = reader.ReadIntegerParts(out var magnitude);
                if (magnitude <= long.MaxValue)
                {
                    return negative ? -1 - (long)magnitude : (long)magnitude;
                }

                return negative ? BigInteger.MinusOne - magnitude : (object)magnitude;
            case DagCborKind.Float:
                return reader.ReadDouble();
            case DagCborKind.String:
                return reader.ReadString();
            case DagCborKind.Bytes:
                return reader.ReadBytes().ToArray();
            case DagCborKind.Link:
                return reader.ReadCid();
            case DagCborKind.List:
                var count = reader.ReadStartArray();
                // Capacity is capped: a forged count may be as large as the block, and growing is cheap.
                var list = new List<object?>(Math.Min(count, 1024));
                for (var i = 0; i < count; i++)
                {
                    list.Add(Read(ref reader));
                }

                return list;
            default:
                var entries = reader.ReadStartMap();
                var map = new Dictionary<string, object?>(Math.Min(entries, 1024), StringComparer.Ordinal);
                for (var i = 0; i < entries; i++)
                {
                    var key = reader.ReadString();
                    map.Add(key, Read(ref reader));
                }

                return map;
        }
    }

    /// <summary>The CIDv1 (dag-cbor, sha2-256) of <paramref name="value"/>'s canonical encoding.</summary>
    public static Cid ComputeCid(object? value) => Cid.Compute(1, Multicodec.DagCbor, Encode(value));

    /// <summary>
    /// Every CID link (tag 42) in a DAG-CBOR block, in the order they appear, repeats included.
    /// The block is validated as strictly as by <see cref="Decode"/>, without building the values.
    /// </summary>
    public static IReadOnlyList<Cid> Links(ReadOnlySpan<byte> block)
    {
        var reader = new DagCborReader(block);
        List<Cid>? links = null;
        do
        {
            if (reader.SkipOne(materialize: true) is { } cid)
            {
                (links ??= []).Add(cid);
            }
        }
        while (!reader.IsComplete);

        reader.ReadEnd();
        return links ?? (IReadOnlyList<Cid>)[];
    }

    private static void Write(DagCborWriter writer, object? value, int depth)
    {
        switch (value)
        {
            case null:
                writer.WriteNull();
                return;
            case bool b:
                writer.WriteBool(b);
                return;
            case int i:
                writer.WriteInt64(i);
                return;
            case long l:
                writer.WriteInt64(l);
                return;
            case uint ui:
                writer.WriteUInt64(ui);
                return;
            case ulong ul:
                writer.WriteUInt64(ul);
                return;
            case short s:
                writer.WriteInt64(s);
                return;
            case ushort us:
                writer.WriteUInt64(us);
                return;
            case byte u8:
                writer.WriteUInt64(u8);
                return;
            case sbyte i8:
                writer.WriteInt64(i8);
                return;
            case BigInteger big:
                writer.WriteBigInteger(big);
                return;
            case double d:
                writer.WriteDouble(d);
                return;
            case float f:
                writer.WriteDouble(f);
                return;
            case string str:
                writer.WriteString(str);
                return;
            case byte[] bytes:
                writer.WriteBytes(bytes);
                return;
            case ReadOnlyMemory<byte> rom:
                writer.WriteBytes(rom.Span);
                return;
            case Memory<byte> mem:
                writer.WriteBytes(mem.Span);
                return;
            case ArraySegment<byte> segment:
                writer.WriteBytes(segment);
                return;
            case Cid cid:
                writer.WriteCid(cid);
                return;
        }

        if (depth >= MaxDepth)
        {
            throw new CairnException(ErrorCode.InvalidArgument, $"The value nests lists and maps deeper than the DAG-CBOR limit of {MaxDepth} (or contains itself).");
        }

        switch (value)
        {
            case IReadOnlyDictionary<string, object?> ro:
                WriteMap(writer, ro, ro.Count, depth);
                return;
            case IDictionary<string, object?> rw:
                WriteMap(writer, rw, rw.Count, depth);
                return;
            case IDictionary dictionary:
                WriteMap(writer, EnumerateNonGeneric(dictionary), dictionary.Count, depth);
                return;
            case IEnumerable enumerable:
                WriteList(writer, enumerable, depth);
                return;
            default:
                throw new CairnException(ErrorCode.InvalidArgument, $"A {value.GetType().Name} cannot be encoded as DAG-CBOR.")
                {
                    Hint = "Use null, bool, integers, double, string, byte[], Cid, lists and string-keyed dictionaries.",
                };
        }
    }

    private static void WriteList(DagCborWriter writer, IEnumerable enumerable, int depth)
    {
        var items = enumerable as ICollection ?? enumerable.Cast<object?>().ToList();
        writer.WriteStartArray(items.Count);
        var written = 0;
        foreach (var item in items)
        {
            Write(writer, item, depth + 1);
            written++;
        }

        if (written != items.Count)
        {
            throw new CairnException(ErrorCode.InvalidArgument, $"The collection reported {items.Count} items but enumerated {written}.");
        }
    }

    private static IEnumerable<KeyValuePair<string, object?>> EnumerateNonGeneric(IDictionary dictionary)
    {
        foreach (DictionaryEntry entry in dictionary)
        {
            if (entry.Key is not string key)
            {
                throw new CairnException(ErrorCode.InvalidArgument, $"DAG-CBOR map keys must be strings, not {entry.Key.GetType().Name}.");
            }

            yield return new KeyValuePair<string, object?>(key, entry.Value);
        }
    }

    private static void WriteMap(DagCborWriter writer, IEnumerable<KeyValuePair<string, object?>> entries, int count, int depth)
    {
        // All keys go into one pooled buffer; an index array is sorted by the canonical order of
        // the key slices, so a map costs no allocation per key.
        var values = ArrayPool<object?>.Shared.Rent(count);
        var spans = ArrayPool<(int Offset, int Length)>.Shared.Rent(count);
        var order = ArrayPool<int>.Shared.Rent(count);
        var keyBytes = ArrayPool<byte>.Shared.Rent(256);
        var used = 0;
        var n = 0;
        try
        {
            foreach (var (key, value) in entries)
            {
                if (n == count)
                {
                    throw new CairnException(ErrorCode.InvalidArgument, $"The dictionary reported {count} entries but enumerated more.");
                }

                ArgumentNullException.ThrowIfNull(key);
                var max = Encoding.UTF8.GetMaxByteCount(key.Length);
                if (keyBytes.Length - used < max)
                {
                    var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(keyBytes.Length * 2, used + max));
                    keyBytes.AsSpan(0, used).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(keyBytes);
                    keyBytes = bigger;
                }

                var status = System.Text.Unicode.Utf8.FromUtf16(key, keyBytes.AsSpan(used), out _, out var written, replaceInvalidSequences: false);
                if (status != OperationStatus.Done)
                {
                    throw new CairnException(ErrorCode.InvalidArgument, "A map key cannot be encoded: it holds an unpaired UTF-16 surrogate, which has no UTF-8 form.");
                }

                spans[n] = (used, written);
                values[n] = value;
                order[n] = n;
                used += written;
                n++;
            }

            if (n != count)
            {
                throw new CairnException(ErrorCode.InvalidArgument, $"The dictionary reported {count} entries but enumerated {n}.");
            }

            var buffer = keyBytes;
            var slices = spans;
            order.AsSpan(0, count).Sort((a, b) => DagCborKeyComparer.CompareUtf8(
                buffer.AsSpan(slices[a].Offset, slices[a].Length),
                buffer.AsSpan(slices[b].Offset, slices[b].Length)));
            writer.WriteStartMap(count);
            for (var i = 0; i < count; i++)
            {
                var (offset, length) = spans[order[i]];
                writer.WriteUtf8String(keyBytes.AsSpan(offset, length));
                Write(writer, values[order[i]], depth + 1);
            }
        }
        finally
        {
            ArrayPool<object?>.Shared.Return(values, clearArray: true);
            ArrayPool<(int, int)>.Shared.Return(spans);
            ArrayPool<int>.Shared.Return(order);
            ArrayPool<byte>.Shared.Return(keyBytes);
        }
    }
}
