namespace Cairn.Content.Tests.DagCbor;

/// <summary>
/// Hand-built inputs that are valid CBOR (or nearly) but not canonical DAG-CBOR, with the byte offset
/// and reason Cairn must report, and whether the reference decoder (@ipld/dag-cbor 10 on cborg 6)
/// rejects them too. Where it does not, Cairn is stricter; the interop test asserts both columns.
/// </summary>
internal static class DagCborNonCanonical
{
    public const string CidV0Hex = "122059948439065f29619ef41280cbb932be52c56d99c5966b65e0111239f098bbef";

    public static IReadOnlyList<Sample> All { get; } =
    [
        new("empty input", string.Empty, 0, "no data", true),
        new("int 23 in 2 bytes", "1817", 0, "shortest form", true),
        new("int 255 in 3 bytes", "1900ff", 0, "shortest form", true),
        new("int 65535 in 5 bytes", "1a0000ffff", 0, "shortest form", true),
        new("int 2^32-1 in 9 bytes", "1b00000000ffffffff", 0, "shortest form", true),
        new("negative -1 in 2 bytes", "3800", 0, "shortest form", true),
        new("negative -256 in 3 bytes", "3900ff", 0, "shortest form", true),
        new("string length in 2 bytes", "780161", 0, "shortest form", true),
        new("bytes length in 2 bytes", "5800", 0, "shortest form", true),
        new("list length in 2 bytes", "9800", 0, "shortest form", true),
        new("map length in 3 bytes", "b90000", 0, "shortest form", true),
        new("non-shortest int inside a list", "82011817", 2, "shortest form", true),
        new("keys unsorted by length", "a262616101616202", 5, "out of order", false),
        new("keys unsorted bytewise", "a2616201616102", 4, "out of order", false),
        new("duplicate keys", "a2616101616102", 4, "duplicate map key", true),
        new("integer key", "a10102", 1, "map key must be a string", true),
        new("bytes key", "a1416101", 1, "map key must be a string", true),
        new("list key", "a18001", 1, "map key must be a string", true),
        new("half float", "f93c00", 0, "16-bit float", false),
        new("single float", "fa3f800000", 0, "32-bit float", false),
        new("half float in a map", "a16166f93c00", 3, "16-bit float", false),
        new("NaN", "fb7ff8000000000000", 0, "NaN", true),
        new("+Infinity", "fb7ff0000000000000", 0, "infinite", true),
        new("-Infinity", "fbfff0000000000000", 0, "infinite", true),
        new("half-float NaN", "f97e00", 0, "16-bit float", true),
        new("undefined", "f7", 0, "undefined", false),
        new("simple value 16", "f0", 0, "simple value 16", true),
        new("simple value 255 in 2 bytes", "f8ff", 0, "simple values", true),
        new("reserved additional info 28", "1c", 0, "reserved additional information 28", true),
        new("reserved additional info 30 in major 7", "fe", 0, "reserved additional information 30", true),
        new("indefinite list", "9f01ff", 0, "indefinite-length", true),
        new("indefinite map", "bf616101ff", 0, "indefinite-length", true),
        new("indefinite string", "7f6161ff", 0, "indefinite-length", true),
        new("indefinite bytes", "5f4101ff", 0, "indefinite-length", true),
        new("lone break", "ff", 0, "break", true),
        new("integer with additional info 31", "3f", 0, "additional information 31", true),
        new("tag 1 (epoch time)", "c11a00000000", 0, "tag 1 is not allowed", true),
        new("tag 0 (date string)", "c0613a", 0, "tag 0 is not allowed", true),
        new("tag 42 in 3 bytes", "d9002a5823" + "00" + CidV0Hex, 0, "shortest form", true),
        new("tag 42 without the 0x00 prefix", "d82a5822" + CidV0Hex, 4, "must start with 0x00", true),
        new("tag 42 over empty bytes", "d82a40", 3, "must start with 0x00", true),
        new("tag 42 over a string", "d82a6161", 2, "must wrap a byte string", true),
        new("tag 42 over an invalid CID", "d82a43000171", 4, "invalid CID", true),
        new("tag 42 with bytes after the CID", "d82a5824" + "00" + CidV0Hex + "00", 5, "invalid CID", true),
        new("tag 42 CIDv0 with an explicit version prefix", "d82a5825" + "000070" + CidV0Hex, 5, "unknown version 0", false),
        new("tag 42 CID with a 32-byte sha2-512 digest", "d82a5825" + "00017113" + CidV0Hex[2..], 5, "sha2-512 digest is 64 bytes", false),
        new("tag 42 as a map key", "a1d82a5823" + "00" + CidV0Hex + "01", 1, "map key must be a string", true),
        new("trailing byte", "0101", 1, "trailing", true),
        new("trailing bytes after a map", "a0a0a0", 1, "trailing", true),
        new("invalid UTF-8", "62c328", 1, "invalid UTF-8", false),
        new("overlong UTF-8", "62c080", 1, "invalid UTF-8", false),
        new("UTF-8 surrogate", "63eda080", 1, "invalid UTF-8", false),
        new("invalid UTF-8 deep in a string", "6461626380", 4, "invalid UTF-8", false),
        new("invalid UTF-8 key", "a161ff01", 2, "invalid UTF-8", false),
        new("string longer than the data", "6461", 0, "truncated", true),
        new("bytes claiming 2^64-1", "5bffffffffffffffff", 0, "truncated", true),
        new("list claiming 2^32 items", "9b0000000100000000", 0, "truncated", true),
        new("map claiming more entries than bytes", "a3616101", 0, "truncated", true),
        new("list claiming more items than bytes", "8201", 0, "truncated", true),
        new("list missing its last item", "820161", 2, "truncated", true),
        new("nesting 257 deep", string.Concat(Enumerable.Repeat("81", 256)) + "80", 256, "nested deeper", false),
    ];

    public static Sample Get(string name) => All.Single(s => s.Name == name);

    internal sealed record Sample(string Name, string Hex, int Offset, string Reason, bool NodeRejects)
    {
        public byte[] Bytes => Convert.FromHexString(Hex);
    }
}
