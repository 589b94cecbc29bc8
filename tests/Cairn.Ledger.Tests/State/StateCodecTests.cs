using System.Security.Cryptography;
using Cairn.Content.DagCbor;
using Cairn.Ledger.State;
using FsCheck;
using FsCheck.Fluent;

namespace Cairn.Ledger.Tests.State;

public class StateCodecTests
{
    private static readonly long[] Edges = [0, 1, 23, 24, 255, 256, 65_535, 65_536, uint.MaxValue, (long)uint.MaxValue + 1, long.MaxValue, -1, -24, -25, -256, -257, long.MinValue];

    [Fact]
    public void WriteAccountLeaf_EdgeValues_SameBytesAsTheGenericEncoding()
    {
        foreach (var balance in Edges)
        {
            foreach (var nonce in Edges)
            {
                AssertSame("a:did:key:zDnaeTest", new AccountEntry(balance, nonce));
            }
        }
    }

    [Fact]
    public void WriteAccountLeaf_RandomKeysAndValues_SameBytesAsTheGenericEncoding()
    {
        Prop.ForAll<long, long, NonNull<string>>((balance, nonce, key) =>
        {
            var k = "a:" + new string(key.Get.Where(c => !char.IsSurrogate(c)).ToArray());
            AssertSame(k, new AccountEntry(balance, nonce));
        }).QuickCheckThrowOnFailure();
    }

    private static void AssertSame(string key, AccountEntry account)
    {
        var generic = StateCodec.EncodeLeaf(key, account);
        var writer = new DagCborWriter();
        StateCodec.WriteAccountLeaf(writer, key, account);
        Assert.Equal(generic, writer.WrittenSpan.ToArray());
        Assert.Equal(SHA256.HashData(generic), StateCommitment.HashLeaf(key, account));
    }
}
