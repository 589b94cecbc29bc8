using System.Diagnostics.CodeAnalysis;
using Cairn.Multiformats;

namespace Cairn.Ledger.Identity;

/// <summary>
/// A <c>did:key</c> identity for a P-256 public key: <c>did:key:z</c> + base58btc(varint(0x1200) ‖
/// compressed point), the form of the did:key spec (<c>did:key:zDn...</c>).
/// </summary>
public sealed class DidKey : IEquatable<DidKey>
{
    private const string Prefix = "did:key:";
    private const int CacheLimit = 100_000;

    // Parsing decompresses the point (a modular square root): far too slow to repeat for every
    // transfer recipient during replay, and the same few thousand identities recur.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, DidKey> Parsed = new(StringComparer.Ordinal);

    private DidKey(string text, byte[] compressed, byte[] x, byte[] y)
    {
        Text = text;
        Compressed = compressed;
        X = x;
        Y = y;
    }

    /// <summary>The DID string.</summary>
    public string Text { get; }

    /// <summary>The 33-byte compressed point.</summary>
    public byte[] Compressed { get; }

    internal byte[] X { get; }

    internal byte[] Y { get; }

    /// <summary>Builds the DID of a public key given by its affine coordinates.</summary>
    public static DidKey FromPublicKey(ReadOnlySpan<byte> x, ReadOnlySpan<byte> y)
    {
        var compressed = P256.Compress(x, y);
        var prefixLength = Varint.SizeOf(Multicodec.P256Pub);
        var raw = new byte[prefixLength + compressed.Length];
        Varint.Write(raw, Multicodec.P256Pub);
        compressed.CopyTo(raw.AsSpan(prefixLength));
        return new DidKey(Prefix + Multibase.Encode(raw, MultibaseEncoding.Base58Btc), compressed, x.ToArray(), y.ToArray());
    }

    /// <summary>Parses a P-256 did:key, checking that it names a point of the curve.</summary>
    public static DidKey Parse(string text)
    {
        if (!TryParse(text, out var did, out var error))
        {
            throw new CairnException(ErrorCode.InvalidInput, $"'{text}' is not a P-256 did:key: {error}.")
            {
                Hint = "Identities look like did:key:zDn... (see `cairn account show`).",
            };
        }

        return did;
    }

    /// <summary>Parses without throwing.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out DidKey? did) => TryParse(text, out did, out _);

    private static bool TryParse(string? text, [NotNullWhen(true)] out DidKey? did, out string error)
    {
        if (text is not null && Parsed.TryGetValue(text, out did))
        {
            error = string.Empty;
            return true;
        }

        did = null;
        if (text is null || !text.StartsWith(Prefix, StringComparison.Ordinal) || text.Length <= Prefix.Length + 1)
        {
            error = "it does not start with did:key:";
            return false;
        }

        if (text[Prefix.Length] != 'z')
        {
            error = "the key is not base58btc (multibase prefix 'z')";
            return false;
        }

        byte[] raw;
        try
        {
            raw = Multibase.DecodeWithoutPrefix(text.AsSpan(Prefix.Length + 1), MultibaseEncoding.Base58Btc);
        }
        catch (Exception e) when (e is CairnException or FormatException or ArgumentException)
        {
            error = "the key is not valid base58btc";
            return false;
        }

        if (!Varint.TryRead(raw, out var codec, out var length) || codec != Multicodec.P256Pub)
        {
            error = "the multicodec is not p256-pub (0x1200)";
            return false;
        }

        var compressed = raw.AsSpan(length);
        if (!P256.TryDecompress(compressed, out var x, out var y))
        {
            error = "the key is not a compressed point of the P-256 curve";
            return false;
        }

        // Re-encoding must give the same text, so one key has exactly one DID string.
        var canonical = FromPublicKey(x, y);
        if (canonical.Text != text)
        {
            error = "the encoding is not canonical";
            return false;
        }

        did = canonical;
        error = string.Empty;
        if (Parsed.Count >= CacheLimit)
        {
            Parsed.Clear();
        }

        Parsed[text] = did;
        return true;
    }

    /// <inheritdoc/>
    public bool Equals(DidKey? other) => other is not null && other.Text == Text;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as DidKey);

    /// <inheritdoc/>
    public override int GetHashCode() => Text.GetHashCode(StringComparison.Ordinal);

    /// <inheritdoc/>
    public override string ToString() => Text;
}
