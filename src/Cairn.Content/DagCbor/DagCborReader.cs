using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Unicode;
using Cairn.Multiformats;

namespace Cairn.Content.DagCbor;

/// <summary>
/// A forward-only, allocation-light reader of one strict DAG-CBOR item. It accepts exactly the
/// canonical form <see cref="DagCborWriter"/> produces and rejects everything else with a
/// <see cref="CairnException"/> (<see cref="ErrorCode.InvalidInput"/>) whose message names the byte
/// offset and the reason: non-shortest integers and lengths, indefinite lengths, map keys that are
/// not strings or not in canonical order (or repeated), floats narrower than 64 bits, NaN and
/// infinities, simple values other than false/true/null, tags other than 42, invalid UTF-8,
/// truncated data and nesting deeper than the limit.
/// </summary>
/// <remarks>
/// Containers have definite lengths, so there is no "end" call: after the last child of a list or
/// map is read, the container is complete. Call <see cref="ReadEnd"/> after the top-level item to
/// reject trailing bytes.
/// </remarks>
public ref struct DagCborReader
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly int _maxDepth;
    private int _position;
    private FrameBuffer _inlineFrames;
    private Frame[]? _moreFrames;
    private int _depth;
    private bool _done;

    /// <summary>Reads <paramref name="data"/> with the default nesting limit (<see cref="DagCbor.MaxDepth"/>).</summary>
    public DagCborReader(ReadOnlySpan<byte> data)
        : this(data, DagCbor.MaxDepth)
    {
    }

    /// <summary>Reads <paramref name="data"/>, rejecting lists and maps nested deeper than <paramref name="maxDepth"/>.</summary>
    public DagCborReader(ReadOnlySpan<byte> data, int maxDepth)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxDepth);
        _data = data;
        _maxDepth = maxDepth;
    }

    /// <summary>The offset of the next byte to read.</summary>
    public readonly int Position => _position;

    /// <summary>How many lists and maps are open around the next item.</summary>
    public readonly int Depth => _depth;

    /// <summary>True once the top-level item has been read completely.</summary>
    public readonly bool IsComplete => _done;

    /// <summary>True when the next item is a map key (a string) rather than a value.</summary>
    public readonly bool IsAtMapKey
    {
        get
        {
            if (_depth == 0)
            {
                return false;
            }

            var top = _depth <= FrameBuffer.Length ? _inlineFrames[_depth - 1] : _moreFrames![_depth - 1 - FrameBuffer.Length];
            return top.IsMap && (top.Remaining & 1) == 0;
        }
    }

    /// <summary>The kind of the next item, without consuming it.</summary>
    public readonly DagCborKind PeekKind()
    {
        EnsureNotDone();
        if (_position >= _data.Length)
        {
            throw TruncatedItem();
        }

        var initial = _data[_position];
        switch (initial >> 5)
        {
            case 0:
            case 1:
                return DagCborKind.Integer;
            case 2:
                return DagCborKind.Bytes;
            case 3:
                return DagCborKind.String;
            case 4:
                return DagCborKind.List;
            case 5:
                return DagCborKind.Map;
            case 6:
                if (initial == 0xd8 && _position + 1 < _data.Length && _data[_position + 1] == 42)
                {
                    return DagCborKind.Link;
                }

                // Let the full reader produce the precise reason (non-shortest tag, other tag, truncation).
                var copy = this;
                copy.ReadCid();
                throw new InvalidOperationException("unreachable");
            default:
                switch (initial)
                {
                    case 0xf4:
                    case 0xf5:
                        return DagCborKind.Bool;
                    case 0xf6:
                        return DagCborKind.Null;
                    case 0xfb:
                        return DagCborKind.Float;
                    default:
                        throw MajorSevenError(_position, initial);
                }
        }
    }

    /// <summary>Reads a null.</summary>
    public void ReadNull()
    {
        var start = BeginItem(out _);
        if (_data[start] != 0xf6)
        {
            throw Mismatch(start, "null");
        }

        _position = start + 1;
        EndItem();
    }

    /// <summary>Reads a boolean.</summary>
    public bool ReadBool()
    {
        var start = BeginItem(out _);
        var b = _data[start];
        if (b is not (0xf4 or 0xf5))
        {
            throw Mismatch(start, "a boolean");
        }

        _position = start + 1;
        EndItem();
        return b == 0xf5;
    }

    /// <summary>Reads an integer that must fit in a <see cref="long"/>.</summary>
    public long ReadInt64()
    {
        var start = _position;
        var negative = ReadIntegerParts(out var magnitude);
        if (magnitude > long.MaxValue)
        {
            throw Error(start, $"the integer {(negative ? "-" : string.Empty)}{(negative ? (BigInteger)magnitude + 1 : magnitude)} does not fit in a 64-bit signed integer");
        }

        return negative ? -1 - (long)magnitude : (long)magnitude;
    }

    /// <summary>Reads a non-negative integer (up to 2^64-1).</summary>
    public ulong ReadUInt64()
    {
        var start = _position;
        var negative = ReadIntegerParts(out var magnitude);
        if (negative)
        {
            throw Error(start, $"expected a non-negative integer but found -{(BigInteger)magnitude + 1}");
        }

        return magnitude;
    }

    /// <summary>Reads any integer DAG-CBOR can hold (-2^64 to 2^64-1).</summary>
    public BigInteger ReadBigInteger()
    {
        var negative = ReadIntegerParts(out var magnitude);
        return negative ? BigInteger.MinusOne - magnitude : magnitude;
    }

    /// <summary>
    /// Reads an integer as its CBOR parts: the sign (major type 1 when true) and the argument;
    /// the value is <c>argument</c> or <c>-1 - argument</c>.
    /// </summary>
    public bool ReadIntegerParts(out ulong argument)
    {
        var start = BeginItem(out _);
        var major = _data[start] >> 5;
        if (major > 1)
        {
            throw Mismatch(start, "an integer");
        }

        argument = ReadArgument(start);
        EndItem();
        return major == 1;
    }

    /// <summary>Reads a 64-bit float (never NaN or infinite).</summary>
    public double ReadDouble()
    {
        var start = BeginItem(out _);
        if (_data[start] != 0xfb)
        {
            throw _data[start] >> 5 == 7 && _data[start] is not (0xf4 or 0xf5 or 0xf6) ? MajorSevenError(start, _data[start]) : Mismatch(start, "a float");
        }

        if (_data.Length - start < 9)
        {
            throw Truncated(start, "a 64-bit float");
        }

        var value = BinaryPrimitives.ReadDoubleBigEndian(_data.Slice(start + 1, 8));
        if (!double.IsFinite(value))
        {
            throw Error(start, $"{(double.IsNaN(value) ? "NaN" : "an infinite float")} is not allowed (the IPLD data model has no NaN or Infinity)");
        }

        _position = start + 9;
        EndItem();
        return value;
    }

    /// <summary>Reads a text string.</summary>
    public string ReadString() => Encoding.UTF8.GetString(ReadUtf8String());

    /// <summary>Reads a text string as its (validated) UTF-8 bytes, without allocating.</summary>
    public ReadOnlySpan<byte> ReadUtf8String()
    {
        var start = BeginItem(out var isKey);
        if (_data[start] >> 5 != 3)
        {
            throw Mismatch(start, "a string");
        }

        var content = ReadContent(start, "string");
        var bytes = _data.Slice(content, _position - content);
        if (!Utf8.IsValid(bytes))
        {
            throw Error(content + FirstInvalidUtf8(bytes), "invalid UTF-8 in a string");
        }

        if (isKey)
        {
            ref var frame = ref Top;
            if (frame.LastKeyStart >= 0)
            {
                var previous = _data.Slice(frame.LastKeyStart, frame.LastKeyLength);
                var order = DagCborKeyComparer.CompareUtf8(previous, bytes);
                if (order == 0)
                {
                    throw Error(start, $"duplicate map key \"{Shorten(bytes)}\"");
                }

                if (order > 0)
                {
                    throw Error(start, $"map key \"{Shorten(bytes)}\" is out of order after \"{Shorten(previous)}\" (keys must be sorted by length, then bytewise)");
                }
            }

            frame.LastKeyStart = content;
            frame.LastKeyLength = bytes.Length;
        }

        EndItem();
        return bytes;
    }

    /// <summary>Reads a byte string; the span points into the input.</summary>
    public ReadOnlySpan<byte> ReadBytes()
    {
        var start = BeginItem(out _);
        if (_data[start] >> 5 != 2)
        {
            throw Mismatch(start, "a byte string");
        }

        var content = ReadContent(start, "byte string");
        EndItem();
        return _data.Slice(content, _position - content);
    }

    /// <summary>Reads a CID link (tag 42 over the bytes <c>0x00 cid</c>).</summary>
    public Cid ReadCid() => ReadLink(materialize: true)!;

    /// <summary>Reads and validates a CID link and returns its binary CID (a span into the input), without allocating.</summary>
    public ReadOnlySpan<byte> ReadCidBytes()
    {
        var start = _position;
        ReadLink(materialize: false);
        return LinkBytes(start);
    }

    /// <summary>Reads the head of a list and returns its length; then read that many items.</summary>
    public int ReadStartArray() => ReadStartContainer(4);

    /// <summary>Reads the head of a map and returns its number of entries; then read that many key/value pairs.</summary>
    public int ReadStartMap() => ReadStartContainer(5);

    /// <summary>Reads and validates one whole item (with everything inside it) and discards it.</summary>
    public void Skip()
    {
        var depth = _depth;
        do
        {
            SkipOne(materialize: false);
        }
        while (_depth > depth);
    }

    /// <summary>Throws unless the top-level item has been read completely and no bytes follow it.</summary>
    public readonly void ReadEnd()
    {
        if (!_done)
        {
            throw new InvalidOperationException("The top-level DAG-CBOR item has not been read completely.");
        }

        if (_position != _data.Length)
        {
            throw Error(_position, $"{_data.Length - _position} trailing byte(s) after the end of the item");
        }
    }

    /// <summary>Reads one item; a list or map is opened (its children come next), not skipped.</summary>
    internal Cid? SkipOne(bool materialize)
    {
        switch (PeekKind())
        {
            case DagCborKind.Null:
                ReadNull();
                break;
            case DagCborKind.Bool:
                ReadBool();
                break;
            case DagCborKind.Integer:
                ReadIntegerParts(out _);
                break;
            case DagCborKind.Float:
                ReadDouble();
                break;
            case DagCborKind.String:
                ReadUtf8String();
                break;
            case DagCborKind.Bytes:
                ReadBytes();
                break;
            case DagCborKind.Link:
                return ReadLink(materialize);
            case DagCborKind.List:
                ReadStartArray();
                break;
            case DagCborKind.Map:
                ReadStartMap();
                break;
        }

        return null;
    }

    internal static CairnException Error(int offset, string reason)
        => new(ErrorCode.InvalidInput, $"Invalid DAG-CBOR at byte {offset}: {reason}.");

    private static CairnException Truncated(int offset, string what)
        => Error(offset, $"the data ends before {what} is complete (truncated)");

    private readonly CairnException TruncatedItem()
        => _position == 0 ? Error(0, "no data (an empty block is not DAG-CBOR)") : Truncated(_position, "an item");

    private Cid? ReadLink(bool materialize)
    {
        var start = BeginItem(out _);
        if (_data[start] >> 5 != 6)
        {
            throw Mismatch(start, "a CID link");
        }

        var tag = ReadArgument(start);
        if (tag != 42)
        {
            throw Error(start, $"tag {tag} is not allowed (DAG-CBOR allows only tag 42, CID links)");
        }

        var inner = _position;
        if (inner >= _data.Length)
        {
            throw Truncated(inner, "the bytes of a CID link");
        }

        if (_data[inner] >> 5 != 2)
        {
            throw Error(inner, $"tag 42 must wrap a byte string, not {Describe(_data[inner])}");
        }

        var content = ReadContent(inner, "byte string");
        var bytes = _data.Slice(content, _position - content);
        if (bytes.IsEmpty || bytes[0] != 0)
        {
            throw Error(content, "the bytes of a CID link must start with 0x00 (the multibase identity prefix)");
        }

        Cid? cid = null;
        if (materialize || !IsValidCid(bytes[1..]))
        {
            try
            {
                cid = Cid.FromBytes(bytes[1..]);
            }
            catch (CairnException e)
            {
                throw Error(content + 1, "invalid CID in a link: " + e.Message.TrimEnd('.'));
            }
        }

        EndItem();
        return cid;
    }

    // The binary CID of the link that starts at start (already validated).
    private readonly ReadOnlySpan<byte> LinkBytes(int start)
    {
        var p = start + 2;
        var info = _data[p] & 0x1f;
        var content = p + 1 + info switch { < 24 => 0, 24 => 1, 25 => 2, 26 => 4, _ => 8 };
        return _data[(content + 1).._position];
    }

    // Accepts exactly what Cid.FromBytes accepts, without allocating; on false, Cid.FromBytes gives the reason.
    private static bool IsValidCid(ReadOnlySpan<byte> bytes)
    {
        try
        {
            if (bytes.Length >= 2 && bytes[0] == 0x12 && bytes[1] == 0x20)
            {
                return bytes.Length == 34;
            }

            if (!Varint.TryRead(bytes, out var version, out var n1) || version != 1 || !Varint.TryRead(bytes[n1..], out _, out var n2))
            {
                return false;
            }

            return Multihash.Read(bytes[(n1 + n2)..], out _, out _) == bytes.Length - n1 - n2;
        }
        catch (CairnException)
        {
            return false;
        }
    }

    private int ReadStartContainer(int major)
    {
        var start = BeginItem(out _);
        if (_data[start] >> 5 != major)
        {
            throw Mismatch(start, major == 4 ? "a list" : "a map");
        }

        var count = ReadArgument(start);

        // Every item takes at least one byte (a map entry two), so a larger count cannot be honest;
        // checking here keeps a forged length from driving an allocation.
        var remaining = (ulong)(_data.Length - _position);
        var items = major == 5 ? count * 2 : count;
        if (count > remaining || items > remaining)
        {
            throw Truncated(start, $"a {(major == 4 ? "list" : "map")} of {count} {(major == 4 ? "items" : "entries")} ({remaining} bytes remain)");
        }

        if (_depth == _maxDepth)
        {
            throw Error(start, $"lists and maps are nested deeper than the limit of {_maxDepth}");
        }

        if (items == 0)
        {
            EndItem();
            return 0;
        }

        // The first levels live inside the reader (no allocation for typical blocks); deeper ones spill to an array.
        var frame = new Frame { Remaining = (long)items, IsMap = major == 5, LastKeyStart = -1 };
        if (_depth < FrameBuffer.Length)
        {
            _inlineFrames[_depth] = frame;
        }
        else
        {
            var index = _depth - FrameBuffer.Length;
            if (_moreFrames is null || index == _moreFrames.Length)
            {
                Array.Resize(ref _moreFrames, Math.Max(16, index * 2));
            }

            _moreFrames[index] = frame;
        }

        _depth++;
        return (int)count;
    }

    private int BeginItem(out bool isKey)
    {
        EnsureNotDone();
        if (_position >= _data.Length)
        {
            throw TruncatedItem();
        }

        isKey = IsAtMapKey;
        if (isKey && _data[_position] >> 5 != 3)
        {
            throw Error(_position, $"a map key must be a string, not {Describe(_data[_position])}");
        }

        return _position;
    }

    private void EndItem()
    {
        while (_depth > 0)
        {
            ref var frame = ref Top;
            if (--frame.Remaining > 0)
            {
                return;
            }

            _depth--;
        }

        _done = true;
    }

    private readonly void EnsureNotDone()
    {
        if (_done)
        {
            throw new InvalidOperationException("The top-level DAG-CBOR item has already been read.");
        }
    }

    // Reads the argument of the head at start (major types 0-6), insisting on the shortest form,
    // and leaves _position after the head.
    private ulong ReadArgument(int start)
    {
        var initial = _data[start];
        var info = initial & 0x1f;
        ulong value;
        int size;
        switch (info)
        {
            case < 24:
                _position = start + 1;
                return (ulong)info;
            case 24:
                size = 1;
                break;
            case 25:
                size = 2;
                break;
            case 26:
                size = 4;
                break;
            case 27:
                size = 8;
                break;
            case 31:
                throw Error(start, (initial >> 5) is 2 or 3 or 4 or 5
                    ? $"indefinite-length {Describe(initial)} is not allowed"
                    : $"additional information 31 is not valid for {Describe(initial)}");
            default:
                throw Error(start, $"reserved additional information {info} in initial byte 0x{initial:x2}");
        }

        if (_data.Length - start - 1 < size)
        {
            throw Truncated(start, $"the {size}-byte argument of {Describe(initial)}");
        }

        var arg = _data.Slice(start + 1, size);
        value = size switch
        {
            1 => arg[0],
            2 => BinaryPrimitives.ReadUInt16BigEndian(arg),
            4 => BinaryPrimitives.ReadUInt32BigEndian(arg),
            _ => BinaryPrimitives.ReadUInt64BigEndian(arg),
        };

        var minimum = size switch
        {
            1 => 24UL,
            2 => 0x100UL,
            4 => 0x10000UL,
            _ => 0x1_0000_0000UL,
        };
        if (value < minimum)
        {
            throw Error(start, $"{Describe(initial)} argument {value} is not in its shortest form ({1 + size} bytes used, {SizeOfHead(value)} needed)");
        }

        _position = start + 1 + size;
        return value;
    }

    // Reads a string or byte-string head and bounds-checks its content; returns the content offset
    // and leaves _position after the content.
    private int ReadContent(int start, string what)
    {
        var length = ReadArgument(start);
        var content = _position;
        if (length > (ulong)(_data.Length - content))
        {
            throw Truncated(start, $"a {what} of {length} bytes ({_data.Length - content} remain)");
        }

        _position = content + (int)length;
        return content;
    }

    private readonly CairnException Mismatch(int offset, string expected)
        => Error(offset, $"expected {expected} but found {Describe(_data[offset])}");

    private static CairnException MajorSevenError(int offset, byte initial) => initial switch
    {
        0xf7 => Error(offset, "undefined is not allowed (the IPLD data model has no undefined)"),
        0xf9 => Error(offset, "a 16-bit float is not allowed (DAG-CBOR floats are always 64-bit)"),
        0xfa => Error(offset, "a 32-bit float is not allowed (DAG-CBOR floats are always 64-bit)"),
        0xf8 => Error(offset, "simple values other than false, true and null are not allowed"),
        0xff => Error(offset, "unexpected break code 0xff (indefinite lengths are not allowed)"),
        >= 0xfc => Error(offset, $"reserved additional information {initial & 0x1f} in initial byte 0x{initial:x2}"),
        _ => Error(offset, $"simple value {initial & 0x1f} is not allowed (only false, true and null)"),
    };

    private static string Describe(byte initial) => (initial >> 5) switch
    {
        0 => "an unsigned integer",
        1 => "a negative integer",
        2 => "a byte string",
        3 => "a string",
        4 => "a list",
        5 => "a map",
        6 => "a tag",
        _ => initial switch
        {
            0xf4 or 0xf5 => "a boolean",
            0xf6 => "null",
            0xf7 => "undefined",
            0xf9 or 0xfa or 0xfb => "a float",
            0xff => "a break code",
            _ => "a simple value",
        },
    };

    private static int SizeOfHead(ulong value) => value switch
    {
        < 24 => 1,
        <= 0xff => 2,
        <= 0xffff => 3,
        <= 0xffff_ffff => 5,
        _ => 9,
    };

    private static int FirstInvalidUtf8(ReadOnlySpan<byte> bytes)
    {
        var i = 0;
        while (i < bytes.Length)
        {
            if (System.Text.Rune.DecodeFromUtf8(bytes[i..], out _, out var consumed) != System.Buffers.OperationStatus.Done)
            {
                return i;
            }

            i += consumed;
        }

        return i;
    }

    private static string Shorten(ReadOnlySpan<byte> utf8)
    {
        var text = Encoding.UTF8.GetString(utf8);
        return text.Length <= 40 ? text : text[..37] + "...";
    }

    [UnscopedRef]
    private ref Frame Top => ref _depth <= FrameBuffer.Length ? ref _inlineFrames[_depth - 1] : ref _moreFrames![_depth - 1 - FrameBuffer.Length];

    [InlineArray(Length)]
    private struct FrameBuffer
    {
        public const int Length = 16;

        private Frame _element;
    }

    private struct Frame
    {
        public long Remaining;
        public bool IsMap;
        public int LastKeyStart;
        public int LastKeyLength;
    }
}
