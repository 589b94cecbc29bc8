namespace Cairn.Content.DagPb;

/// <summary>
/// A minimal protobuf wire reader over a span that reports the byte offset of every failure, so an
/// error in a hostile block says where it is. Varints are at most 10 bytes and must be minimally
/// encoded: a canonical format has one encoding per value.
/// </summary>
internal ref struct ProtoReader
{
    private readonly ReadOnlySpan<byte> _source;
    private readonly int _baseOffset;
    private readonly string _what;

    public ProtoReader(ReadOnlySpan<byte> source, int baseOffset, string what)
    {
        _source = source;
        _baseOffset = baseOffset;
        _what = what;
        Position = 0;
    }

    public int Position { get; private set; }

    public readonly bool End => Position >= _source.Length;

    /// <summary>The absolute offset (within the outermost block) of the current position.</summary>
    public readonly int Offset => _baseOffset + Position;

    public ulong ReadVarint()
    {
        var start = Position;
        ulong result = 0;
        for (var i = 0; ; i++)
        {
            if (Position >= _source.Length)
            {
                throw Fail(start, "truncated varint");
            }

            if (i == 10)
            {
                throw Fail(start, "varint longer than 10 bytes");
            }

            var b = _source[Position++];
            if (i == 9 && b > 1)
            {
                throw Fail(start, "varint overflows 64 bits");
            }

            result |= (ulong)(b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0)
            {
                if (b == 0 && i > 0)
                {
                    throw Fail(start, "varint is not minimally encoded");
                }

                return result;
            }
        }
    }

    public (int Field, int WireType) ReadKey()
    {
        var start = Position;
        var key = ReadVarint();
        var field = key >> 3;
        if (field == 0 || field > int.MaxValue)
        {
            throw Fail(start, $"invalid field number {field}");
        }

        return ((int)field, (int)(key & 7));
    }

    /// <summary>Reads a length-delimited field and returns its bytes and their absolute offset.</summary>
    public ReadOnlySpan<byte> ReadBytes(out int absoluteOffset)
    {
        var start = Position;
        var length = ReadVarint();
        if (length > (ulong)(_source.Length - Position))
        {
            throw Fail(start, $"length {length} runs past the end of the {_what} ({_source.Length - Position} bytes left)");
        }

        absoluteOffset = _baseOffset + Position;
        var bytes = _source.Slice(Position, (int)length);
        Position += (int)length;
        return bytes;
    }

    public uint ReadFixed32()
    {
        var start = Position;
        if (_source.Length - Position < 4)
        {
            throw Fail(start, "truncated fixed32");
        }

        var value = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(_source[Position..]);
        Position += 4;
        return value;
    }

    public void Skip(int wireType)
    {
        var start = Position;
        switch (wireType)
        {
            case 0:
                ReadVarint();
                break;
            case 1:
                if (_source.Length - Position < 8)
                {
                    throw Fail(start, "truncated fixed64");
                }

                Position += 8;
                break;
            case 2:
                ReadBytes(out _);
                break;
            case 5:
                ReadFixed32();
                break;
            default:
                throw Fail(start, $"unsupported wire type {wireType}");
        }
    }

    public readonly CairnException Fail(int position, string message)
        => new(ErrorCode.InvalidInput, $"Invalid {_what} at offset {_baseOffset + position}: {message}.");
}
