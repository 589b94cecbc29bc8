using System.Buffers.Binary;
using System.Text;
using Cairn.Multiformats;

namespace Cairn.Content.Car;

/// <summary>
/// A CAR header: the DAG-CBOR map <c>{version, roots}</c> at the start of a CAR file
/// (https://ipld.io/specs/transport/car/carv1/). Only the map form is read: definite lengths,
/// text keys, <c>version</c> an unsigned integer, <c>roots</c> an array of tag-42 CIDs.
/// </summary>
/// <param name="Version">The CAR version (1 here; 2 is the CARv2 pragma).</param>
/// <param name="Roots">The root CIDs.</param>
public sealed record CarHeader(ulong Version, IReadOnlyList<Cid> Roots)
{
    /// <summary>The 11 bytes every CARv2 file starts with: a varint 10 and the map <c>{version: 2}</c>.</summary>
    public static ReadOnlySpan<byte> V2Pragma => [0x0a, 0xa1, 0x67, 0x76, 0x65, 0x72, 0x73, 0x69, 0x6f, 0x6e, 0x02];

    /// <summary>
    /// The canonical DAG-CBOR bytes of a CARv1 header (keys in length-then-bytewise order:
    /// <c>roots</c> before <c>version</c>, as @ipld/car and go-car write them).
    /// </summary>
    public static byte[] EncodeV1(IReadOnlyList<Cid> roots)
    {
        ArgumentNullException.ThrowIfNull(roots);
        using var ms = new MemoryStream();
        WriteHead(ms, 5, 2);
        WriteText(ms, "roots");
        WriteHead(ms, 4, (ulong)roots.Count);
        foreach (var root in roots)
        {
            WriteHead(ms, 6, 42);
            WriteHead(ms, 2, (ulong)root.Bytes.Length + 1);
            ms.WriteByte(0); // the multibase identity prefix DAG-CBOR puts before a binary CID
            ms.Write(root.Bytes);
        }

        WriteText(ms, "version");
        WriteHead(ms, 0, 1);
        return ms.ToArray();
    }

    /// <summary>
    /// Decodes a header from exactly <paramref name="bytes"/>; on failure throws
    /// <see cref="ErrorCode.InvalidInput"/> naming the byte offset (<paramref name="baseOffset"/> + position).
    /// </summary>
    public static CarHeader Decode(ReadOnlySpan<byte> bytes, long baseOffset)
    {
        var reader = new Reader(bytes, baseOffset);
        var (major, count) = reader.Head();
        if (major != 5)
        {
            throw reader.Error(0, $"the header is not a DAG-CBOR map (CBOR major type {major})");
        }

        ulong? version = null;
        List<Cid>? roots = null;
        for (ulong i = 0; i < count; i++)
        {
            var keyAt = reader.Position;
            var (keyMajor, keyLength) = reader.Head();
            if (keyMajor != 3)
            {
                throw reader.Error(keyAt, "a header map key is not a text string");
            }

            var key = Encoding.UTF8.GetString(reader.Take(keyLength, "map key"));
            var valueAt = reader.Position;
            switch (key)
            {
                case "version":
                    var (vMajor, v) = reader.Head();
                    if (vMajor != 0)
                    {
                        throw reader.Error(valueAt, "the header's version is not an unsigned integer");
                    }

                    version = v;
                    break;
                case "roots":
                    var (rMajor, n) = reader.Head();
                    if (rMajor != 4)
                    {
                        throw reader.Error(valueAt, "the header's roots is not an array");
                    }

                    roots = [];
                    for (ulong r = 0; r < n; r++)
                    {
                        roots.Add(reader.Link());
                    }

                    break;
                default:
                    reader.Skip(0);
                    break;
            }
        }

        if (reader.Position != bytes.Length)
        {
            throw reader.Error(reader.Position, $"{bytes.Length - reader.Position} bytes follow the header map");
        }

        if (version is null)
        {
            throw reader.Error(0, "the header has no version");
        }

        if (version == 1 && roots is null)
        {
            throw reader.Error(0, "the header has no roots");
        }

        return new CarHeader(version.Value, roots ?? []);
    }

    private static void WriteText(Stream s, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        WriteHead(s, 3, (ulong)bytes.Length);
        s.Write(bytes);
    }

    private static void WriteHead(Stream s, int major, ulong value)
    {
        Span<byte> buf = stackalloc byte[9];
        var m = (byte)(major << 5);
        if (value < 24)
        {
            s.WriteByte((byte)(m | (byte)value));
        }
        else if (value <= byte.MaxValue)
        {
            s.WriteByte((byte)(m | 24));
            s.WriteByte((byte)value);
        }
        else if (value <= ushort.MaxValue)
        {
            buf[0] = (byte)(m | 25);
            BinaryPrimitives.WriteUInt16BigEndian(buf[1..], (ushort)value);
            s.Write(buf[..3]);
        }
        else if (value <= uint.MaxValue)
        {
            buf[0] = (byte)(m | 26);
            BinaryPrimitives.WriteUInt32BigEndian(buf[1..], (uint)value);
            s.Write(buf[..5]);
        }
        else
        {
            buf[0] = (byte)(m | 27);
            BinaryPrimitives.WriteUInt64BigEndian(buf[1..], value);
            s.Write(buf);
        }
    }

    private ref struct Reader(ReadOnlySpan<byte> bytes, long baseOffset)
    {
        private readonly ReadOnlySpan<byte> _bytes = bytes;

        public int Position { get; private set; }

        public CairnException Error(int at, string reason) =>
            new(ErrorCode.InvalidInput, $"Invalid CAR at byte offset {baseOffset + at}: {reason}.")
            {
                Hint = "The file is not a CARv1 (https://ipld.io/specs/transport/car/carv1/): it may be damaged or another format.",
            };

        public (int Major, ulong Value) Head()
        {
            var at = Position;
            if (Position >= _bytes.Length)
            {
                throw Error(at, "the header ends inside a CBOR item");
            }

            var initial = _bytes[Position++];
            var major = initial >> 5;
            var info = initial & 31;
            ulong value;
            switch (info)
            {
                case < 24:
                    value = (ulong)info;
                    break;
                case 24:
                    value = Take(1, "CBOR argument")[0];
                    break;
                case 25:
                    value = BinaryPrimitives.ReadUInt16BigEndian(Take(2, "CBOR argument"));
                    break;
                case 26:
                    value = BinaryPrimitives.ReadUInt32BigEndian(Take(4, "CBOR argument"));
                    break;
                case 27:
                    value = BinaryPrimitives.ReadUInt64BigEndian(Take(8, "CBOR argument"));
                    break;
                default:
                    throw Error(at, info == 31 ? "indefinite-length CBOR items are not DAG-CBOR" : $"reserved CBOR additional info {info}");
            }

            if (major == 7 && info >= 24 && info != 24)
            {
                // Floats carry their bits in the argument; the value is not a length.
                return (major, 0);
            }

            return (major, value);
        }

        public ReadOnlySpan<byte> Take(ulong length, string what)
        {
            if (length > (ulong)(_bytes.Length - Position))
            {
                throw Error(Position, $"the header ends inside a {what} ({length} bytes announced, {_bytes.Length - Position} left)");
            }

            var slice = _bytes.Slice(Position, (int)length);
            Position += (int)length;
            return slice;
        }

        public Cid Link()
        {
            var at = Position;
            var (major, tag) = Head();
            if (major != 6 || tag != 42)
            {
                throw Error(at, "a root is not a CID (CBOR tag 42)");
            }

            var (bMajor, length) = Head();
            if (bMajor != 2)
            {
                throw Error(at, "a root's tag 42 does not hold a byte string");
            }

            var bytes = Take(length, "root CID");
            if (bytes.IsEmpty || bytes[0] != 0)
            {
                throw Error(at, "a root CID lacks its 0x00 multibase prefix");
            }

            try
            {
                return Cid.FromBytes(bytes[1..]);
            }
            catch (CairnException e)
            {
                throw Error(at, $"a root is not a valid CID ({e.Message.TrimEnd('.')})");
            }
        }

        public void Skip(int depth)
        {
            if (depth > 64)
            {
                throw Error(Position, "the header nests too deeply");
            }

            var (major, value) = Head();
            switch (major)
            {
                case 2 or 3:
                    Take(value, "string");
                    break;
                case 4:
                    for (ulong i = 0; i < value; i++)
                    {
                        Skip(depth + 1);
                    }

                    break;
                case 5:
                    for (ulong i = 0; i < value * 2; i++)
                    {
                        Skip(depth + 1);
                    }

                    break;
                case 6:
                    Skip(depth + 1);
                    break;
            }
        }
    }
}
