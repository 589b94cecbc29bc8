using System.Security.Cryptography;
using Cairn.ApiModels;
using Cairn.Content.Exchange;
using Cairn.Content.Storage;
using Cairn.Multiformats;
using Cairn.Storage;

namespace Cairn.IntegrationTests.Exchange;

/// <summary>
/// Replicated pins on real in-process nodes (Kestrel on 127.0.0.1:0): the orchestrator's replication
/// manager asks its own compute node, which fetches the DAG over the trustless gateway, verifies it and
/// pins it. Across processes (lost holders, repair) see NetworkTests.
/// </summary>
public class ReplicaTests
{
    [Fact(Timeout = 120_000)]
    public async Task PinReplicas_DataOnlyOnAPeer_IsFetchedVerifiedAndPinned_ThenDroppedOnRemove()
    {
        var ct = TestContext.Current;
        await using var a = await TestNode.StartAsync(ct);
        await using var b = await TestNode.StartAsync(ct, o => o with { Peers = [a.Node.ApiUrl] });
        using var data = new TempDir();
        var root = await AddRandomAsync(a.Home, data, ct);

        var added = await b.Client.AddReplicasAsync(root, 1, "set", ct);
        Assert.Equal(1, added.Replicas);
        var view = await WaitHealthyAsync(b, root, ct);
        var holder = Assert.Single(view.Holders);
        Assert.Equal(b.Node.NodeDid, holder.NodeID);
        Assert.Equal("pinned", holder.State);
        Assert.True(holder.Bytes > 3 * 256 * 1024);

        // The copy on b is whole and verifies block by block, and it is pinned as a replica.
        using (var repo = ContentRepo.Open(b.Home))
        {
            Assert.Null(await GatewayFetcher.FindMissingAsync(Cid.Parse(root), repo.Blocks, ct));
            Assert.Equal("replica", (await repo.Pins.GetAsync(Cid.Parse(root), ct))!.Name);
        }

        var list = await b.Client.ListReplicasAsync(ct);
        Assert.Equal(root, Assert.Single(list.Items).Cid);

        await b.Client.RemoveReplicasAsync(root, ct);
        using (var repo = ContentRepo.Open(b.Home))
        {
            Assert.Null(await repo.Pins.GetAsync(Cid.Parse(root), ct));
        }

        var gone = await Assert.ThrowsAsync<CairnException>(() => b.Client.GetReplicasAsync(root, ct));
        Assert.Equal(ErrorCode.NotFound, gone.Code);
    }

    [Fact(Timeout = 120_000)]
    public async Task PinReplicas_ContentTheOperatorPinned_KeepsTheOperatorsPinAfterRemove()
    {
        var ct = TestContext.Current;
        await using var a = await TestNode.StartAsync(ct);
        using var data = new TempDir();
        var root = await AddRandomAsync(a.Home, data, ct);

        await a.Client.AddReplicasAsync(root, 1, null, ct);
        await WaitHealthyAsync(a, root, ct);
        await a.Client.RemoveReplicasAsync(root, ct);

        using var repo = ContentRepo.Open(a.Home);
        var pin = await repo.Pins.GetAsync(Cid.Parse(root), ct);
        Assert.NotNull(pin);
        Assert.Null(pin.Name);
    }

    [Fact(Timeout = 120_000)]
    public async Task PinReplicas_ContentNowhere_StaysUnderReplicated_NamingTheMissingBlock()
    {
        var ct = TestContext.Current;
        await using var a = await TestNode.StartAsync(ct);
        var absent = Cid.Compute(1, Multicodec.Raw, RandomNumberGenerator.GetBytes(64)).ToString();

        await a.Client.AddReplicasAsync(absent, 1, null, ct);
        ReplicaView view;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        do
        {
            Assert.True(DateTime.UtcNow < deadline, "no message about the failed copy");
            await Task.Delay(100, ct);
            view = await a.Client.GetReplicasAsync(absent, ct);
        }
        while (view.Message is null || !view.Message.Contains("could not make a copy", StringComparison.Ordinal));

        Assert.Equal(0, view.Healthy);
        Assert.Contains(absent, view.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task PinReplicas_BadRequests_AreProblemsThatSayWhatWasWrong()
    {
        var ct = TestContext.Current;
        await using var a = await TestNode.StartAsync(ct);
        var notCid = await Assert.ThrowsAsync<CairnException>(() => a.Client.AddReplicasAsync("not-a-cid", 2, null, ct));
        Assert.Equal(ErrorCode.InvalidArgument, notCid.Code);
        Assert.Contains("not-a-cid", notCid.Message, StringComparison.Ordinal);

        var zero = await Assert.ThrowsAsync<CairnException>(() => a.Client.AddReplicasAsync(Cid.Compute(1, Multicodec.Raw, [1]).ToString(), 0, null, ct));
        Assert.Equal(ErrorCode.InvalidArgument, zero.Code);
    }

    internal static async Task<ReplicaView> WaitHealthyAsync(TestNode node, string root, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            var view = await node.Client.GetReplicasAsync(root, ct);
            if (view.Healthy >= view.Replicas)
            {
                return view;
            }

            Assert.True(DateTime.UtcNow < deadline, $"the replicas were not made: {view.Status} {view.Message}");
            await Task.Delay(100, ct);
        }
    }

    private static async Task<string> AddRandomAsync(string home, TempDir data, CancellationToken ct)
    {
        Directory.CreateDirectory(data.Combine("in"));
        await File.WriteAllBytesAsync(data.Combine("in", "a.bin"), RandomNumberGenerator.GetBytes((3 * 256 * 1024) + 99), ct);
        await File.WriteAllBytesAsync(data.Combine("in", "b.txt"), "hello replicas"u8.ToArray(), ct);
        return await JobLoopTests.AddAsync(home, data.Combine("in"), ct);
    }
}
