using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Cairn.Content.DagCbor;

namespace Cairn.Ledger.State;

/// <summary>
/// The state root, kept up to date incrementally. It is a two-level Merkle tree of fixed shape:
/// every entry goes to one of 4096 buckets by the first 12 bits of SHA-256(key); a leaf is
/// SHA-256 of the entry's canonical DAG-CBOR <c>[key, value]</c>; a bucket's hash is SHA-256 of its
/// leaves' hashes in key order (32 zero bytes when empty); the root is SHA-256 of the 4096 bucket
/// hashes in order. After a block only the written keys' leaves and their buckets are rehashed, so
/// the cost per block follows the block's size, not the state's (a full canonical re-encoding of
/// the state per block would grow with every account ever seen). Anyone can recompute it from
/// the state alone, and a proof of one entry is its bucket's leaves plus the 4095 other bucket hashes.
/// </summary>
internal sealed class StateCommitment
{
    public const int BucketCount = 4096;
    private const int HashLength = 32;

    [ThreadStatic]
    private static DagCborWriter? t_writer;

    private readonly SortedDictionary<string, byte[]>?[] _leaves = new SortedDictionary<string, byte[]>?[BucketCount];
    private readonly byte[] _bucketHashes = new byte[BucketCount * HashLength];
    private readonly HashSet<int> _dirtyBuckets = [];

    /// <summary>Rehashes the given keys (present → new leaf, absent → leaf removed) and returns the new root.</summary>
    public byte[] Update(MarketState state, IReadOnlyCollection<string> keys)
    {
        if (keys.Count > 256)
        {
            // Leaves are independent: hash them in parallel, then place them in order.
            var keyArray = keys.ToArray();
            var leaves = new byte[]?[keyArray.Length];
            Parallel.For(0, keyArray.Length, i =>
            {
                var value = state.Get(keyArray[i]);
                leaves[i] = value is null ? null : HashLeaf(keyArray[i], value);
            });
            for (var i = 0; i < keyArray.Length; i++)
            {
                Place(keyArray[i], leaves[i]);
            }
        }
        else
        {
            foreach (var key in keys)
            {
                var value = state.Get(key);
                Place(key, value is null ? null : HashLeaf(key, value));
            }
        }

        Span<byte> small = stackalloc byte[32 * HashLength];
        foreach (var b in _dirtyBuckets)
        {
            var target = _bucketHashes.AsSpan(b * HashLength, HashLength);
            var leaves = _leaves[b];
            if (leaves is null || leaves.Count == 0)
            {
                target.Clear();
                continue;
            }

            // Buckets hold a handful of leaves: one-shot hashing of their concatenation is much
            // cheaper than an IncrementalHash (a native context) per bucket.
            var length = leaves.Count * HashLength;
            byte[]? rented = null;
            var concatenated = length <= small.Length ? small[..length] : (rented = ArrayPool<byte>.Shared.Rent(length)).AsSpan(0, length);
            var offset = 0;
            foreach (var leaf in leaves.Values)
            {
                leaf.CopyTo(concatenated[offset..]);
                offset += HashLength;
            }

            SHA256.HashData(concatenated, target);
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }

        _dirtyBuckets.Clear();
        return SHA256.HashData(_bucketHashes);
    }

    private void Place(string key, byte[]? leaf)
    {
        var b = BucketOf(key);
        _dirtyBuckets.Add(b);
        if (leaf is null)
        {
            _leaves[b]?.Remove(key);
        }
        else
        {
            (_leaves[b] ??= new SortedDictionary<string, byte[]>(StringComparer.Ordinal))[key] = leaf;
        }
    }

    internal static int BucketOf(string key)
    {
        Span<byte> digest = stackalloc byte[HashLength];
        var length = Encoding.UTF8.GetMaxByteCount(key.Length);
        byte[]? rented = null;
        var utf8 = length <= 512 ? stackalloc byte[length] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            SHA256.HashData(utf8[..Encoding.UTF8.GetBytes(key, utf8)], digest);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }

        return BinaryPrimitives.ReadUInt16BigEndian(digest) >> 4;
    }

    /// <summary>SHA-256 of the entry's leaf bytes (<see cref="StateCodec.EncodeLeaf"/>).</summary>
    internal static byte[] HashLeaf(string key, object value)
    {
        // Accounts are most of what a block writes (every transfer writes two): encode them with a
        // reused writer instead of building a map per leaf. StateCodecTests checks both encodings agree.
        if (value is AccountEntry account)
        {
            var writer = t_writer ??= new DagCborWriter();
            writer.Reset();
            StateCodec.WriteAccountLeaf(writer, key, account);
            return SHA256.HashData(writer.WrittenSpan);
        }

        return SHA256.HashData(StateCodec.EncodeLeaf(key, value));
    }
}
