using Cairn.Content.Storage;
using Cairn.Multiformats;

namespace Cairn.Content.Tests.Storage;

public sealed class PinTests : IDisposable
{
    private readonly TempHome _home = new();

    public void Dispose() => _home.Dispose();

    [Fact(Timeout = 60_000)]
    public async Task PinAdd_RecursiveWithMissingBlocks_ThrowsNotFoundNamingTheFirstMissing()
    {
        var ct = TestTimeout.Token();
        using var repo = _home.Open();
        var present = await repo.Blocks.PutAsync(TestBlocks.Raw("present"), ct);
        var firstMissing = TestBlocks.Raw("missing 1").Cid;
        var secondMissing = TestBlocks.Raw("missing 2").Cid;
        var inner = TestBlocks.Node("inner", firstMissing);
        await repo.Blocks.PutAsync(inner, ct);
        var root = await repo.Blocks.PutAsync(TestBlocks.Node("root", present, inner.Cid, secondMissing), ct);

        var e = await Assert.ThrowsAsync<CairnException>(() => repo.Pins.AddAsync(root, PinMode.Recursive, null, ct));

        Assert.Equal(ErrorCode.NotFound, e.Code);
        Assert.Contains(firstMissing.ToString(), e.Message, StringComparison.Ordinal);
        Assert.Null(await repo.Pins.GetAsync(root, ct));
    }

    [Fact(Timeout = 60_000)]
    public async Task PinAdd_DirectOnIncompleteDag_NeedsOnlyTheBlock()
    {
        var ct = TestTimeout.Token();
        using var repo = _home.Open();
        var root = await repo.Blocks.PutAsync(TestBlocks.Node("root", TestBlocks.Raw("absent").Cid), ct);

        await repo.Pins.AddAsync(root, PinMode.Direct, null, ct);

        Assert.Equal(PinMode.Direct, (await repo.Pins.GetAsync(root, ct))?.Mode);
        var e = await Assert.ThrowsAsync<CairnException>(() => repo.Pins.AddAsync(TestBlocks.Raw("nothing").Cid, PinMode.Direct, null, ct));
        Assert.Equal(ErrorCode.NotFound, e.Code);
    }

    [Fact(Timeout = 60_000)]
    public async Task PinAdd_RecursiveThenDirect_StaysRecursive_AndV0V1AreOnePin()
    {
        var ct = TestTimeout.Token();
        using var repo = _home.Open();
        byte[] pb = [0x0a, 0x02, 0x08, 0x01];
        var v0 = Cid.Compute(0, Multicodec.DagPb, pb);
        await repo.Blocks.PutAsync(v0, pb, ct);

        await repo.Pins.AddAsync(v0, PinMode.Direct, null, ct);
        await repo.Pins.AddAsync(v0.ToV1(), PinMode.Recursive, null, ct);
        await repo.Pins.AddAsync(v0, PinMode.Direct, null, ct);

        var pins = new List<Pin>();
        await foreach (var pin in repo.Pins.ListAsync(ct))
        {
            pins.Add(pin);
        }

        var only = Assert.Single(pins);
        Assert.Equal(PinMode.Recursive, only.Mode);
        Assert.Equal(v0.ToV1(), only.Cid);
        Assert.True(await repo.Pins.RemoveAsync(v0, ct));
        Assert.False(await repo.Pins.RemoveAsync(v0, ct));
    }

    [Fact(Timeout = 60_000)]
    public async Task Pins_SurviveReopening()
    {
        var ct = TestTimeout.Token();
        Cid root;
        using (var repo = _home.Open())
        {
            root = await repo.Blocks.PutAsync(TestBlocks.Raw("kept"), ct);
            await repo.Pins.AddAsync(root, PinMode.Recursive, "label", ct);
        }

        using var again = _home.Open();
        var pin = await again.Pins.GetAsync(root, ct);
        Assert.Equal(new Pin(root, PinMode.Recursive, "label"), pin);
    }
}
