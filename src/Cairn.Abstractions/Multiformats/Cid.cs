using System.Diagnostics.CodeAnalysis;

namespace Cairn.Multiformats;

/// <summary>
/// A content identifier (https://github.com/multiformats/cid). Version 0 is a bare sha2-256
/// multihash of a dag-pb block, written in base58btc (<c>Qm…</c>); version 1 is
/// <c>varint(1) varint(codec) multihash</c>, written in base32 by default (<c>b…</c>).
/// Immutable; equality and hashing are over the binary form.
/// </summary>
public sealed class Cid : IEquatable<Cid>, IComparable<Cid>
{
    private readonly byte[] _bytes;
    private readonly int _hashOffset;
    private string? _string;

    private Cid(byte[] bytes, int version, ulong codec, int hashOffset, ulong hashCode)
    {
        _bytes = bytes;
        Version = version;
        Codec = codec;
        _hashOffset = hashOffset;
        HashCode = hashCode;
    }

    /// <summary>0 or 1.</summary>
    public int Version { get; }

    /// <summary>The multicodec of the content (dag-pb for every v0 CID).</summary>
    public ulong Codec { get; }

    /// <summary>The multihash function code.</summary>
    public ulong HashCode { get; }

    /// <summary>The binary CID (for v0 just the multihash).</summary>
    public ReadOnlySpan<byte> Bytes => _bytes;

    /// <summary>The multihash part.</summary>
    public ReadOnlySpan<byte> Multihash => _bytes.AsSpan(_hashOffset);

    /// <summary>The digest part of the multihash.</summary>
    public ReadOnlySpan<byte> Digest
    {
        get
        {
            Multiformats.Multihash.Read(Multihash, out _, out var digest);
            return digest;
        }
    }

    /// <summary>A CIDv0 over a sha2-256 digest of a dag-pb block.</summary>
    public static Cid V0(ReadOnlySpan<byte> sha256Multihash)
    {
        var bytes = sha256Multihash.ToArray();
        Multiformats.Multihash.Read(bytes, out var code, out _);
        if (code != Multicodec.Sha256 || bytes.Length != 34)
        {
            throw new CairnException(ErrorCode.InvalidInput, "A CIDv0 must be a sha2-256 multihash.");
        }

        return new Cid(bytes, 0, Multicodec.DagPb, 0, Multicodec.Sha256);
    }

    /// <summary>A CIDv1 with the given codec over a multihash.</summary>
    public static Cid V1(ulong codec, ReadOnlySpan<byte> multihash)
    {
        var prefix = 1 + Varint.SizeOf(codec);
        var bytes = new byte[prefix + multihash.Length];
        bytes[0] = 1;
        Varint.Write(bytes.AsSpan(1), codec);
        multihash.CopyTo(bytes.AsSpan(prefix));
        var length = Multiformats.Multihash.Read(multihash, out var hashCode, out _);
        if (length != multihash.Length)
        {
            throw new CairnException(ErrorCode.InvalidInput, "Invalid multihash: trailing bytes after the digest.");
        }

        return new Cid(bytes, 1, codec, prefix, hashCode);
    }

    /// <summary>Hashes <paramref name="block"/> with sha2-256 and names it with a CID of the given version and codec.</summary>
    public static Cid Compute(int version, ulong codec, ReadOnlySpan<byte> block)
    {
        if (version is not (0 or 1))
        {
            throw new CairnException(ErrorCode.InvalidArgument, $"Unknown CID version {version}: only 0 and 1 exist.") { Hint = "Use --cid-version 0 or 1." };
        }

        var multihash = Multiformats.Multihash.Sha256(block);
        if (version == 0)
        {
            if (codec != Multicodec.DagPb)
            {
                throw new CairnException(ErrorCode.InvalidArgument, $"CIDv0 can only name dag-pb blocks, not {Multicodec.NameOf(codec)}.") { Hint = "Use --cid-version 1." };
            }

            return new Cid(multihash, 0, Multicodec.DagPb, 0, Multicodec.Sha256);
        }

        return V1(codec, multihash);
    }

    /// <summary>Reads a binary CID that fills all of <paramref name="bytes"/>.</summary>
    public static Cid FromBytes(ReadOnlySpan<byte> bytes)
    {
        var cid = Read(bytes, out var length);
        if (length != bytes.Length)
        {
            throw new CairnException(ErrorCode.InvalidInput, $"Invalid CID: {bytes.Length - length} unexpected bytes after the multihash.");
        }

        return cid;
    }

    /// <summary>Reads a binary CID from the start of <paramref name="source"/> (as in CAR sections) and reports its length.</summary>
    public static Cid Read(ReadOnlySpan<byte> source, out int length)
    {
        if (source.Length >= 2 && source[0] == 0x12 && source[1] == 0x20)
        {
            if (source.Length < 34)
            {
                throw new CairnException(ErrorCode.InvalidInput, "Invalid CIDv0: truncated digest.");
            }

            length = 34;
            return new Cid(source[..34].ToArray(), 0, Multicodec.DagPb, 0, Multicodec.Sha256);
        }

        if (!Varint.TryRead(source, out var version, out var n1))
        {
            throw new CairnException(ErrorCode.InvalidInput, "Invalid CID: truncated in its version.");
        }

        if (version != 1)
        {
            throw new CairnException(version is 2 or 3 ? ErrorCode.Unsupported : ErrorCode.InvalidInput, $"Invalid CID: unknown version {version}.");
        }

        if (!Varint.TryRead(source[n1..], out var codec, out var n2))
        {
            throw new CairnException(ErrorCode.InvalidInput, "Invalid CID: truncated in its codec.");
        }

        var hashLength = Multiformats.Multihash.Read(source[(n1 + n2)..], out var hashCode, out _);
        length = n1 + n2 + hashLength;
        return new Cid(source[..length].ToArray(), 1, codec, n1 + n2, hashCode);
    }

    /// <summary>Parses a CID string: CIDv0 (<c>Qm…</c>) or a multibase CIDv1.</summary>
    public static Cid Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        try
        {
            if (text.StartsWith("Qm", StringComparison.Ordinal))
            {
                if (text.Length != 46)
                {
                    throw new CairnException(ErrorCode.InvalidInput, $"a CIDv0 is 46 characters long, this is {text.Length} (too short or too long)");
                }

                var bytes = Multibase.DecodeWithoutPrefix(text, MultibaseEncoding.Base58Btc);
                return FromBytes(bytes);
            }

            if (text.Length < 2)
            {
                throw new CairnException(ErrorCode.InvalidInput, "it is too short");
            }

            var binary = Multibase.Decode(text, out _);
            if (binary.Length > 0 && binary[0] == 0x12)
            {
                throw new CairnException(ErrorCode.InvalidInput, "a CIDv0 must be written in bare base58btc (Qm…), not in a multibase");
            }

            return FromBytes(binary);
        }
        catch (CairnException e)
        {
            throw new CairnException(e.Code, $"Invalid CID '{Shorten(text)}': {e.Message.TrimEnd('.')}.", e)
            {
                Hint = "A CID looks like bafy… / bafk… (CIDv1, base32) or Qm… (CIDv0, base58btc).",
            };
        }
    }

    /// <summary>Parses a CID string, returning false instead of throwing.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out Cid? cid)
    {
        cid = null;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        try
        {
            cid = Parse(text);
            return true;
        }
        catch (CairnException)
        {
            return false;
        }
    }

    /// <summary>The same content named by a CIDv1.</summary>
    public Cid ToV1() => Version == 1 ? this : V1(Codec, Multihash);

    /// <summary>The same content named by a CIDv0; only dag-pb blocks hashed with sha2-256 have one.</summary>
    public Cid ToV0()
    {
        if (Version == 0)
        {
            return this;
        }

        if (Codec != Multicodec.DagPb || HashCode != Multicodec.Sha256)
        {
            throw new CairnException(ErrorCode.InvalidArgument, $"{this} has no CIDv0: CIDv0 names only dag-pb blocks hashed with sha2-256 (this is {Multicodec.NameOf(Codec)}, {Multicodec.NameOf(HashCode)}).");
        }

        return V0(Multihash);
    }

    /// <summary>True when <paramref name="block"/> hashes to this CID.</summary>
    public bool Verifies(ReadOnlySpan<byte> block) => Multiformats.Multihash.Verify(Multihash, block);

    /// <summary>The canonical string: base58btc for v0, base32 lower for v1.</summary>
    public override string ToString() =>
        _string ??= Version == 0
            ? Multibase.EncodeWithoutPrefix(_bytes, MultibaseEncoding.Base58Btc)
            : Multibase.Encode(_bytes, MultibaseEncoding.Base32Lower);

    /// <summary>The string in a given multibase (v0 only in base58btc).</summary>
    public string ToString(MultibaseEncoding encoding)
    {
        if (Version == 0)
        {
            if (encoding != MultibaseEncoding.Base58Btc)
            {
                throw new CairnException(ErrorCode.InvalidArgument, "A CIDv0 can only be written in base58btc.") { Hint = "Convert it to CIDv1 first." };
            }

            return ToString();
        }

        return Multibase.Encode(_bytes, encoding);
    }

    /// <summary>A copy of the binary form.</summary>
    public byte[] ToArray() => (byte[])_bytes.Clone();

    /// <inheritdoc />
    public bool Equals(Cid? other) => other is not null && _bytes.AsSpan().SequenceEqual(other._bytes);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as Cid);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var h = default(HashCode);
        h.AddBytes(_bytes);
        return h.ToHashCode();
    }

    /// <summary>Orders by binary form (bytewise).</summary>
    public int CompareTo(Cid? other) => other is null ? 1 : _bytes.AsSpan().SequenceCompareTo(other._bytes);

    /// <summary>Equality over the binary form.</summary>
    public static bool operator ==(Cid? left, Cid? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Inequality over the binary form.</summary>
    public static bool operator !=(Cid? left, Cid? right) => !(left == right);

    /// <summary>Orders by binary form.</summary>
    public static bool operator <(Cid? left, Cid? right) => left is null ? right is not null : left.CompareTo(right) < 0;

    /// <summary>Orders by binary form.</summary>
    public static bool operator >(Cid? left, Cid? right) => left is not null && left.CompareTo(right) > 0;

    /// <summary>Orders by binary form.</summary>
    public static bool operator <=(Cid? left, Cid? right) => !(left > right);

    /// <summary>Orders by binary form.</summary>
    public static bool operator >=(Cid? left, Cid? right) => !(left < right);

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..77] + "...";
}
