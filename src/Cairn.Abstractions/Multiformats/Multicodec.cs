namespace Cairn.Multiformats;

/// <summary>The multicodec codes Cairn uses (https://github.com/multiformats/multicodec/blob/master/table.csv).</summary>
public static class Multicodec
{
    /// <summary>identity (multihash).</summary>
    public const ulong Identity = 0x00;

    /// <summary>sha2-256 (multihash).</summary>
    public const ulong Sha256 = 0x12;

    /// <summary>sha2-512 (multihash).</summary>
    public const ulong Sha512 = 0x13;

    /// <summary>cidv1 (the CID version-1 marker).</summary>
    public const ulong CidV1 = 0x01;

    /// <summary>raw binary (ipld).</summary>
    public const ulong Raw = 0x55;

    /// <summary>MerkleDAG protobuf (ipld).</summary>
    public const ulong DagPb = 0x70;

    /// <summary>MerkleDAG CBOR (ipld).</summary>
    public const ulong DagCbor = 0x71;

    /// <summary>libp2p public key (ipld).</summary>
    public const ulong Libp2pKey = 0x72;

    /// <summary>MerkleDAG JSON (ipld).</summary>
    public const ulong DagJson = 0x0129;

    /// <summary>P-256 public key (key), used by did:key.</summary>
    public const ulong P256Pub = 0x1200;

    /// <summary>The codec's name in the multicodec table, or its hex code when it is not one Cairn knows.</summary>
    public static string NameOf(ulong code) => code switch
    {
        Identity => "identity",
        Sha256 => "sha2-256",
        Sha512 => "sha2-512",
        Raw => "raw",
        DagPb => "dag-pb",
        DagCbor => "dag-cbor",
        Libp2pKey => "libp2p-key",
        DagJson => "dag-json",
        P256Pub => "p256-pub",
        _ => $"0x{code:x}",
    };

    /// <summary>Looks a codec up by its table name (e.g. <c>dag-pb</c>).</summary>
    public static bool TryParse(string name, out ulong code)
    {
        code = name switch
        {
            "identity" => Identity,
            "sha2-256" => Sha256,
            "sha2-512" => Sha512,
            "raw" => Raw,
            "dag-pb" => DagPb,
            "dag-cbor" => DagCbor,
            "libp2p-key" => Libp2pKey,
            "dag-json" => DagJson,
            "p256-pub" => P256Pub,
            _ => ulong.MaxValue,
        };
        return code != ulong.MaxValue;
    }
}
