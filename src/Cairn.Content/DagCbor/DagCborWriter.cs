using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Text.Unicode;
using Cairn.Multiformats;

namespace Cairn.Content.DagCbor;

/// <summary>
/// Writes canonical DAG-CBOR item by item, without boxing: shortest integer and length heads,
/// 64-bit floats, tag 42 for CIDs, definite lengths only. It checks what the caller writes:
/// a list or map must get exactly the number of items its head announced, map keys must be strings
/// written in canonical order (<see cref="DagCborKeyComparer"/>: length first, then bytewise) with
/// no repeats, and floats must be finite. A violation throws <see cref="CairnException"/>
/// (<see cref="ErrorCode.InvalidArgument"/>) instead of producing bytes another decoder would reject.
/// </summary>
public sealed class DagCborWriter
{
    private readonly IBufferWriter<byte> _output;
    private readonly ArrayBufferWriter<byte>? _own;
    private Frame[] _frames = new Frame[8];
    private int _depth;
    private bool _done;

    /// <summary>Writes into a growable buffer of its own; read it with <see cref="WrittenSpan"/> or <see cref="ToArray"/>.</summary>
    public DagCborWriter()
    {
        _own = new ArrayBufferWriter<byte>(256);
        _output = _own;
    }

    /// <summary>Writes into <paramref name="output"/> (read the bytes from it).</summary>
    public DagCborWriter(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
    }

    /// <summary>True once one complete top-level item has been written.</summary>
    public bool IsComplete => _done;

    /// <summary>How many lists and maps are open.</summary>
    public int Depth => _depth;

    /// <summary>The bytes written so far (only when the writer owns its buffer).</summary>
    public ReadOnlySpan<byte> WrittenSpan => _own is not null
        ? _own.WrittenSpan
        : throw new InvalidOperationException("This writer writes into a caller's IBufferWriter; read the bytes from it.");

    /// <summary>A copy of the complete encoding (only when the writer owns its buffer); throws when a list or map is still open.</summary>
    public byte[] ToArray()
    {
        if (!_done)
        {
            throw new CairnException(ErrorCode.InvalidArgument, _depth > 0
                ? $"The DAG-CBOR item is incomplete: {_depth} list(s) or map(s) still expect items."
                : "Nothing has been written.");
        }

        return WrittenSpan.ToArray();
    }

    internal int OwnCapacity => _own?.Capacity ?? int.MaxValue;

    /// <summary>Forgets everything written, so the writer (and its own buffer) can be reused.</summary>
    public void Reset()
    {
        if (_own is null)
        {
            throw new InvalidOperationException("Only a writer that owns its buffer can be reset; create a new writer over the caller's buffer instead.");
        }

        _own.ResetWrittenCount();
        _depth = 0;
        _done = false;
    }

    /// <summary>Writes null.</summary>
    public void WriteNull()
    {
        BeginValue();
        WriteByte(0xf6);
        EndItem();
    }

    /// <summary>Writes a boolean.</summary>
    public void WriteBool(bool value)
    {
        BeginValue();
        WriteByte(value ? (byte)0xf5 : (byte)0xf4);
        EndItem();
    }

    /// <summary>Writes an integer in its shortest form.</summary>
    public void WriteInt64(long value)
    {
        BeginValue();
        if (value >= 0)
        {
            WriteHead(0, (ulong)value);
        }
        else
        {
            // -1 - value cannot overflow for any negative long.
            WriteHead(1, (ulong)(-1 - value));
        }

        EndItem();
    }

    /// <summary>Writes a non-negative integer in its shortest form.</summary>
    public void WriteUInt64(ulong value)
    {
        BeginValue();
        WriteHead(0, value);
        EndItem();
    }

    /// <summary>Writes an integer from -2^64 to 2^64-1 in its shortest form.</summary>
    public void WriteBigInteger(BigInteger value)
    {
        if (value > ulong.MaxValue || value < DagCbor.MinInteger)
        {
            throw new CairnException(ErrorCode.InvalidArgument, $"The integer {value} is outside the DAG-CBOR range -2^64..2^64-1.");
        }

        BeginValue();
        if (value.Sign >= 0)
        {
            WriteHead(0, (ulong)value);
        }
        else
        {
            WriteHead(1, (ulong)(BigInteger.MinusOne - value));
        }

        EndItem();
    }

    /// <summary>Writes a finite float, always as 64 bits.</summary>
    public void WriteDouble(double value)
    {
        if (!double.IsFinite(value))
        {
            throw new CairnException(ErrorCode.InvalidArgument, $"{value} cannot be encoded: the IPLD data model has no NaN or Infinity.");
        }

        BeginValue();
        var span = _output.GetSpan(9);
        span[0] = 0xfb;
        BinaryPrimitives.WriteDoubleBigEndian(span[1..], value);
        _output.Advance(9);
        EndItem();
    }

    /// <summary>Writes a string (a map key when a map expects one).</summary>
    public void WriteString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var length = value.Length <= 256 ? value.Length * 3 : System.Text.Encoding.UTF8.GetMaxByteCount(value.Length);
        byte[]? rented = null;
        Span<byte> buffer = length <= 768 ? stackalloc byte[length] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            var status = Utf8.FromUtf16(value, buffer, out _, out var written, replaceInvalidSequences: false);
            if (status != OperationStatus.Done)
            {
                throw new CairnException(ErrorCode.InvalidArgument, "The string cannot be encoded: it holds an unpaired UTF-16 surrogate, which has no UTF-8 form.");
            }

            WriteValidUtf8(buffer[..written]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Writes a string given as UTF-8 bytes (validated).</summary>
    public void WriteUtf8String(ReadOnlySpan<byte> utf8)
    {
        if (!Utf8.IsValid(utf8))
        {
            throw new CairnException(ErrorCode.InvalidArgument, "The string cannot be encoded: its bytes are not valid UTF-8.");
        }

        WriteValidUtf8(utf8);
    }

    /// <summary>Writes a byte string.</summary>
    public void WriteBytes(ReadOnlySpan<byte> value)
    {
        BeginValue();
        WriteHead(2, (ulong)value.Length);
        _output.Write(value);
        EndItem();
    }

    /// <summary>Writes a CID link: tag 42 over <c>0x00</c> followed by the binary CID.</summary>
    public void WriteCid(Cid cid)
    {
        ArgumentNullException.ThrowIfNull(cid);
        BeginValue();
        var bytes = cid.Bytes;
        WriteByte(0xd8);
        WriteByte(42);
        WriteHead(2, (ulong)bytes.Length + 1);
        WriteByte(0);
        _output.Write(bytes);
        EndItem();
    }

    /// <summary>Writes the head of a list of <paramref name="count"/> items; write them next.</summary>
    public void WriteStartArray(int count) => WriteStartContainer(4, count);

    /// <summary>Writes the head of a map of <paramref name="count"/> entries; write each key (in canonical order) then its value.</summary>
    public void WriteStartMap(int count) => WriteStartContainer(5, count);

    private void WriteValidUtf8(ReadOnlySpan<byte> utf8)
    {
        var isKey = BeginItem();
        if (isKey)
        {
            ref var frame = ref _frames[_depth - 1];
            if (frame.HasKey)
            {
                var previous = frame.LastKey.AsSpan(0, frame.LastKeyLength);
                var order = DagCborKeyComparer.CompareUtf8(previous, utf8);
                if (order >= 0)
                {
                    throw new CairnException(ErrorCode.InvalidArgument, order == 0
                        ? $"Duplicate map key \"{System.Text.Encoding.UTF8.GetString(utf8)}\"."
                        : $"Map key \"{System.Text.Encoding.UTF8.GetString(utf8)}\" written after \"{System.Text.Encoding.UTF8.GetString(previous)}\": DAG-CBOR map keys must be in canonical order (length first, then bytewise).")
                    {
                        Hint = "Sort keys with DagCborKeyComparer.",
                    };
                }
            }

            if (frame.LastKey is null || frame.LastKey.Length < utf8.Length)
            {
                frame.LastKey = new byte[Math.Max(32, utf8.Length * 2)];
            }

            utf8.CopyTo(frame.LastKey);
            frame.LastKeyLength = utf8.Length;
            frame.HasKey = true;
        }

        WriteHead(3, (ulong)utf8.Length);
        _output.Write(utf8);
        EndItem();
    }

    private void WriteStartContainer(int major, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        BeginValue();
        if (_depth == DagCbor.MaxDepth)
        {
            throw new CairnException(ErrorCode.InvalidArgument, $"Lists and maps are nested deeper than the DAG-CBOR limit of {DagCbor.MaxDepth}.");
        }

        WriteHead(major, (ulong)count);
        if (count == 0)
        {
            EndItem();
            return;
        }

        if (_depth == _frames.Length)
        {
            Array.Resize(ref _frames, _frames.Length * 2);
        }

        ref var frame = ref _frames[_depth++];
        frame.Remaining = major == 5 ? count * 2L : count;
        frame.IsMap = major == 5;
        frame.HasKey = false;
    }

    private void BeginValue()
    {
        if (BeginItem())
        {
            throw new CairnException(ErrorCode.InvalidArgument, "A DAG-CBOR map key must be a string.");
        }
    }

    private bool BeginItem()
    {
        if (_done)
        {
            throw new CairnException(ErrorCode.InvalidArgument, "A complete DAG-CBOR item has already been written; a block holds exactly one.");
        }

        return _depth > 0 && _frames[_depth - 1].IsMap && (_frames[_depth - 1].Remaining & 1) == 0;
    }

    private void EndItem()
    {
        while (_depth > 0)
        {
            if (--_frames[_depth - 1].Remaining > 0)
            {
                return;
            }

            _depth--;
        }

        _done = true;
    }

    private void WriteByte(byte value)
    {
        _output.GetSpan(1)[0] = value;
        _output.Advance(1);
    }

    private void WriteHead(int major, ulong value)
    {
        var span = _output.GetSpan(9);
        var initial = (byte)(major << 5);
        int size;
        if (value < 24)
        {
            span[0] = (byte)(initial | (byte)value);
            size = 1;
        }
        else if (value <= 0xff)
        {
            span[0] = (byte)(initial | 24);
            span[1] = (byte)value;
            size = 2;
        }
        else if (value <= 0xffff)
        {
            span[0] = (byte)(initial | 25);
            BinaryPrimitives.WriteUInt16BigEndian(span[1..], (ushort)value);
            size = 3;
        }
        else if (value <= 0xffff_ffff)
        {
            span[0] = (byte)(initial | 26);
            BinaryPrimitives.WriteUInt32BigEndian(span[1..], (uint)value);
            size = 5;
        }
        else
        {
            span[0] = (byte)(initial | 27);
            BinaryPrimitives.WriteUInt64BigEndian(span[1..], value);
            size = 9;
        }

        _output.Advance(size);
    }

    private struct Frame
    {
        public long Remaining;
        public bool IsMap;
        public bool HasKey;
        public byte[]? LastKey;
        public int LastKeyLength;
    }
}
