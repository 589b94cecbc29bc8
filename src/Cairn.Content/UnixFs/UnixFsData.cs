using Cairn.Content.DagPb;

namespace Cairn.Content.UnixFs;

/// <summary>
/// The UnixFS <c>Data</c> protobuf carried in a DAG-PB node's Data field, encoded byte-for-byte as
/// the JS <c>ipfs-unixfs</c> <c>marshal()</c> does: Type always; Data only when non-empty; filesize
/// for File and Raw nodes (even when 0); one blocksizes entry per link (unpacked); hashType, fanout,
/// mode and mtime only when set. The decoder rejects wrong wire types and duplicate singular fields,
/// and skips unknown fields as protobuf allows.
/// </summary>
public sealed class UnixFsData
{
    /// <summary>The node type.</summary>
    public UnixFsType Type { get; init; } = UnixFsType.File;

    /// <summary>Inline data (file bytes, symlink target), or null.</summary>
    public ReadOnlyMemory<byte>? Data { get; init; }

    /// <summary>The file size (content bytes under this node), or null when absent.</summary>
    public ulong? FileSize { get; init; }

    /// <summary>The content size under each link, in link order.</summary>
    public IReadOnlyList<ulong> BlockSizes { get; init; } = [];

    /// <summary>HAMT hash function (shards only).</summary>
    public ulong? HashType { get; init; }

    /// <summary>HAMT fanout (shards only).</summary>
    public ulong? Fanout { get; init; }

    /// <summary>Unix permission bits, or null when absent (the default 0644/0755).</summary>
    public uint? Mode { get; init; }

    /// <summary>Modification time, or null when absent.</summary>
    public UnixFsTime? Mtime { get; init; }

    /// <summary>A file node over children of the given sizes, with optional inline data; filesize is their sum.</summary>
    public static UnixFsData ForFile(IReadOnlyList<ulong> blockSizes, ReadOnlyMemory<byte>? data = null)
    {
        ArgumentNullException.ThrowIfNull(blockSizes);
        ulong total = data is { } d ? (ulong)d.Length : 0;
        foreach (var size in blockSizes)
        {
            total += size;
        }

        return new UnixFsData { Type = UnixFsType.File, BlockSizes = blockSizes, Data = data, FileSize = total };
    }

    /// <summary>Serializes the message.</summary>
    public byte[] Encode()
    {
        var data = Data is { Length: > 0 } d ? d : (ReadOnlyMemory<byte>?)null;
        var fileSize = FileSize ?? (Type is UnixFsType.File or UnixFsType.Raw ? (ulong)(data?.Length ?? 0) : null);
        var size = ProtoWriter.VarintFieldSize((ulong)Type);
        if (data is { } dd)
        {
            size += ProtoWriter.BytesFieldSize(dd.Length);
        }

        if (fileSize is { } fs)
        {
            size += ProtoWriter.VarintFieldSize(fs);
        }

        foreach (var b in BlockSizes)
        {
            size += ProtoWriter.VarintFieldSize(b);
        }

        if (HashType is { } ht)
        {
            size += ProtoWriter.VarintFieldSize(ht);
        }

        if (Fanout is { } fo)
        {
            size += ProtoWriter.VarintFieldSize(fo);
        }

        if (Mode is { } mode)
        {
            size += ProtoWriter.VarintFieldSize(mode);
        }

        var mtimeSize = 0;
        if (Mtime is { } mt)
        {
            mtimeSize = ProtoWriter.VarintFieldSize(unchecked((ulong)mt.Seconds)) + (mt.Nanoseconds is null ? 0 : 5);
            size += ProtoWriter.BytesFieldSize(mtimeSize);
        }

        var bytes = new byte[size];
        var span = bytes.AsSpan();
        var pos = 0;
        pos += WriteVarintField(span[pos..], 0x08, (ulong)Type);
        if (data is { } d2)
        {
            span[pos++] = 0x12;
            pos += ProtoWriter.WriteVarint(span[pos..], (ulong)d2.Length);
            d2.Span.CopyTo(span[pos..]);
            pos += d2.Length;
        }

        if (fileSize is { } fs2)
        {
            pos += WriteVarintField(span[pos..], 0x18, fs2);
        }

        foreach (var b in BlockSizes)
        {
            pos += WriteVarintField(span[pos..], 0x20, b);
        }

        if (HashType is { } ht2)
        {
            pos += WriteVarintField(span[pos..], 0x28, ht2);
        }

        if (Fanout is { } fo2)
        {
            pos += WriteVarintField(span[pos..], 0x30, fo2);
        }

        if (Mode is { } mode2)
        {
            pos += WriteVarintField(span[pos..], 0x38, mode2);
        }

        if (Mtime is { } mt2)
        {
            span[pos++] = 0x42;
            pos += ProtoWriter.WriteVarint(span[pos..], (ulong)mtimeSize);
            pos += WriteVarintField(span[pos..], 0x08, unchecked((ulong)mt2.Seconds));
            if (mt2.Nanoseconds is { } ns)
            {
                span[pos++] = 0x15;
                System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(span[pos..], ns);
                pos += 4;
            }
        }

        return pos == size ? bytes : throw new InvalidOperationException("UnixFS size mismatch.");
    }

    /// <summary>Parses a UnixFS Data message (the Data field of a DAG-PB node).</summary>
    public static UnixFsData Decode(ReadOnlySpan<byte> message)
    {
        var reader = new ProtoReader(message, 0, "UnixFS Data message");
        UnixFsType? type = null;
        ReadOnlyMemory<byte>? data = null;
        ulong? fileSize = null;
        ulong? hashType = null;
        ulong? fanout = null;
        uint? mode = null;
        UnixFsTime? mtime = null;
        var blockSizes = new List<ulong>();
        while (!reader.End)
        {
            var keyAt = reader.Position;
            var (field, wire) = reader.ReadKey();
            var expected = field switch { 2 or 8 => 2, >= 1 and <= 7 => 0, _ => -1 };
            if (expected == -1)
            {
                reader.Skip(wire);
                continue;
            }

            if (wire != expected)
            {
                throw reader.Fail(keyAt, $"field {field} has wire type {wire}, expected {expected}");
            }

            bool duplicate;
            switch (field)
            {
                case 1:
                    duplicate = type is not null;
                    var t = reader.ReadVarint();
                    if (t > 5)
                    {
                        throw reader.Fail(keyAt, $"unknown UnixFS type {t}");
                    }

                    type = (UnixFsType)t;
                    break;
                case 2:
                    duplicate = data is not null;
                    data = reader.ReadBytes(out _).ToArray();
                    break;
                case 3:
                    duplicate = fileSize is not null;
                    fileSize = reader.ReadVarint();
                    break;
                case 4:
                    duplicate = false;
                    blockSizes.Add(reader.ReadVarint());
                    break;
                case 5:
                    duplicate = hashType is not null;
                    hashType = reader.ReadVarint();
                    break;
                case 6:
                    duplicate = fanout is not null;
                    fanout = reader.ReadVarint();
                    break;
                case 7:
                    duplicate = mode is not null;
                    var m = reader.ReadVarint();
                    if (m > uint.MaxValue)
                    {
                        throw reader.Fail(keyAt, "mode does not fit in 32 bits");
                    }

                    mode = (uint)m;
                    break;
                default:
                    duplicate = mtime is not null;
                    var bytes = reader.ReadBytes(out var at);
                    mtime = DecodeTime(bytes, at);
                    break;
            }

            if (duplicate)
            {
                throw reader.Fail(keyAt, $"duplicate field {field}");
            }
        }

        return new UnixFsData
        {
            // unixfs.proto makes Type required; the JS implementation reads a missing one as File.
            Type = type ?? UnixFsType.File,
            Data = data,
            FileSize = fileSize,
            BlockSizes = blockSizes,
            HashType = hashType,
            Fanout = fanout,
            Mode = mode,
            Mtime = mtime,
        };
    }

    private static UnixFsTime DecodeTime(ReadOnlySpan<byte> bytes, int offset)
    {
        var reader = new ProtoReader(bytes, offset, "UnixFS mtime");
        long? seconds = null;
        uint? nanos = null;
        while (!reader.End)
        {
            var keyAt = reader.Position;
            var (field, wire) = reader.ReadKey();
            if (field == 1 && wire == 0)
            {
                seconds = unchecked((long)reader.ReadVarint());
            }
            else if (field == 2 && wire == 5)
            {
                nanos = reader.ReadFixed32();
            }
            else if (field is 1 or 2)
            {
                throw reader.Fail(keyAt, $"field {field} has wrong wire type {wire}");
            }
            else
            {
                reader.Skip(wire);
            }
        }

        return new UnixFsTime(seconds ?? 0, nanos);
    }

    private static int WriteVarintField(Span<byte> span, byte key, ulong value)
    {
        span[0] = key;
        return 1 + ProtoWriter.WriteVarint(span[1..], value);
    }
}
