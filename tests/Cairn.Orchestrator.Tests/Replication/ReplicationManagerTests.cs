using Cairn.Multiformats;
using Cairn.Orchestrator.Replication;
using Cairn.Orchestrator.Scheduling;
using Cairn.Tests.Shared;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cairn.Orchestrator.Tests.Replication;

public sealed class ReplicationManagerTests : IDisposable
{
    private static readonly Cid Root = Cid.Compute(1, Multicodec.Raw, "replicated data"u8.ToArray());
    private static readonly ReplicationOptions Options = new() { MissingGrace = TimeSpan.FromSeconds(15), VerifyInterval = TimeSpan.FromSeconds(60) };

    private readonly TempDir _dir = new();
    private readonly ManualTimeProvider _time = new();
    private readonly InMemoryNodeDirectory _directory = new();
    private readonly List<SqliteReplicaStore> _stores = [];

    public void Dispose()
    {
        foreach (var store in _stores)
        {
            store.Dispose();
        }

        _dir.Dispose();
    }

    [Fact]
    public async Task AddWithTwoReplicas_PinsOnTwoNodes_PreferringTheOneThatHasTheData()
    {
        var nodes = AddNodes(3);
        nodes[2].Present[Root.ToString()] = true;
        await using var manager = Manager();

        var added = await manager.AddAsync(Root, 2, "dataset", TestContext.Token);
        Assert.Equal(0, added.Healthy);
        await RoundAsync(manager);

        var view = (await manager.GetAsync(Root, TestContext.Token))!;
        Assert.Equal("ok", view.Status);
        Assert.Equal(2, view.Healthy);
        Assert.Equal("dataset", view.Name);
        Assert.Contains(view.Holders, h => h.NodeID == nodes[2].Id.ToString() && h.State == "pinned");
        Assert.Equal(2, nodes.Count(n => n.Pinned.ContainsKey(Root.ToString())));
    }

    [Fact]
    public async Task HolderLost_AfterTheGracePeriod_IsReplacedFromTheSurvivor()
    {
        var nodes = AddNodes(3);
        await using var manager = Manager();
        await manager.AddAsync(Root, 2, null, TestContext.Token);
        await RoundAsync(manager);
        var holders = nodes.Where(n => n.Pinned.ContainsKey(Root.ToString())).ToList();
        var spare = Assert.Single(nodes.Except(holders));

        // The node leaves the directory (the hub declared it lost): within the grace period nothing moves.
        _directory.Remove(holders[0].Id);
        await RoundAsync(manager);
        var during = (await manager.GetAsync(Root, TestContext.Token))!;
        Assert.Equal("repairing", during.Status);
        Assert.Equal("missing", Assert.Single(during.Holders, h => h.NodeID == holders[0].Id.ToString()).State);
        Assert.Empty(spare.PinRequests);

        _time.Advance(TimeSpan.FromSeconds(16));
        await RoundAsync(manager);
        var after = (await manager.GetAsync(Root, TestContext.Token))!;
        Assert.Equal("ok", after.Status);
        Assert.Equal(2, after.Healthy);
        Assert.Equal("lost", Assert.Single(after.Holders, h => h.NodeID == holders[0].Id.ToString()).State);
        Assert.Equal("pinned", Assert.Single(after.Holders, h => h.NodeID == spare.Id.ToString()).State);

        // The copy was made from the survivor's gateway.
        Assert.Equal([holders[1].GatewayUrl!], Assert.Single(spare.PinRequests));
    }

    [Fact]
    public async Task LostHolderComesBack_TheExtraCopyIsDropped()
    {
        var nodes = AddNodes(3);
        await using var manager = Manager();
        await manager.AddAsync(Root, 2, null, TestContext.Token);
        await RoundAsync(manager);
        var gone = nodes.First(n => n.Pinned.ContainsKey(Root.ToString()));
        _directory.Remove(gone.Id);
        await RoundAsync(manager);
        _time.Advance(TimeSpan.FromSeconds(16));
        await RoundAsync(manager);
        Assert.Equal(2, nodes.Count(n => n != gone && n.Pinned.ContainsKey(Root.ToString())));

        _directory.Add(gone);
        _time.Advance(TimeSpan.FromSeconds(61));
        await RoundAsync(manager);
        await RoundAsync(manager);

        Assert.Equal(2, nodes.Count(n => n.Pinned.ContainsKey(Root.ToString())));
        var view = (await manager.GetAsync(Root, TestContext.Token))!;
        Assert.Equal(2, view.Healthy);
        Assert.Equal("ok", view.Status);
        Assert.Equal(1, nodes.Sum(n => n.Unpins));
    }

    [Fact]
    public async Task HolderThatNoLongerHasTheCopy_IsFoundAtVerificationAndRepaired()
    {
        var nodes = AddNodes(3);
        await using var manager = Manager();
        await manager.AddAsync(Root, 2, null, TestContext.Token);
        await RoundAsync(manager);
        var holder = nodes.First(n => n.Pinned.ContainsKey(Root.ToString()));

        // Its operator unpinned it and ran gc: the node is connected but the copy is gone.
        holder.Pinned.Clear();
        await RoundAsync(manager);
        Assert.Equal(1, nodes.Count(n => n.Pinned.ContainsKey(Root.ToString())));

        _time.Advance(TimeSpan.FromSeconds(61));
        await RoundAsync(manager);
        await RoundAsync(manager);
        var view = (await manager.GetAsync(Root, TestContext.Token))!;
        Assert.Equal(2, view.Healthy);
        Assert.Equal(2, nodes.Count(n => n.Pinned.ContainsKey(Root.ToString())));
    }

    [Fact]
    public async Task MoreReplicasThanNodes_IsUnderReplicated_AndSaysWhy()
    {
        AddNodes(2);
        await using var manager = Manager();
        await manager.AddAsync(Root, 3, null, TestContext.Token);
        await RoundAsync(manager);
        await RoundAsync(manager);

        var view = (await manager.GetAsync(Root, TestContext.Token))!;
        Assert.Equal(2, view.Healthy);
        Assert.Equal("under-replicated", view.Status);
        Assert.Contains("no other connected node can take one", view.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NodeThatCannotFetch_IsNamedInTheMessage_AndAnotherIsTried()
    {
        var nodes = AddNodes(3);
        nodes[0].FailPins = "block bafk... not found on any peer";
        await using var manager = Manager();
        await manager.AddAsync(Root, 2, null, TestContext.Token);
        await RoundAsync(manager);
        var first = (await manager.GetAsync(Root, TestContext.Token))!;
        Assert.Equal(1, first.Healthy);
        Assert.Contains("not found on any peer", first.Message, StringComparison.Ordinal);

        await RoundAsync(manager);
        var view = (await manager.GetAsync(Root, TestContext.Token))!;
        Assert.Equal(2, view.Healthy);
        Assert.False(nodes[0].Pinned.ContainsKey(Root.ToString()));

        // The failed node waits out its backoff instead of being asked again at once.
        Assert.Single(nodes[0].PinRequests);
    }

    [Fact]
    public async Task Restart_KeepsThePins_AndWaitsForTheNodesToReconnect()
    {
        var nodes = AddNodes(3);
        var path = _dir.Combine("replicas.db");
        await using (var manager = Manager(path))
        {
            await manager.AddAsync(Root, 2, null, TestContext.Token);
            await RoundAsync(manager);
        }

        // A new process: no node has dialed in yet.
        foreach (var node in nodes)
        {
            _directory.Remove(node.Id);
        }

        await using var restarted = Manager(path);
        _time.Advance(TimeSpan.FromSeconds(5));
        await RoundAsync(restarted);
        var waiting = (await restarted.GetAsync(Root, TestContext.Token))!;
        Assert.Equal(2, waiting.Holders.Count(h => h.State == "missing"));

        foreach (var node in nodes)
        {
            _directory.Add(node);
        }

        _time.Advance(TimeSpan.FromSeconds(60));
        await RoundAsync(restarted);
        var view = (await restarted.GetAsync(Root, TestContext.Token))!;
        Assert.Equal(2, view.Healthy);
        Assert.All(nodes, n => Assert.True(n.PinRequests.Count <= 1));
    }

    [Fact]
    public async Task Remove_DropsTheReplicaPins_AndForgetsThePin()
    {
        var nodes = AddNodes(2);
        await using var manager = Manager();
        await manager.AddAsync(Root, 2, null, TestContext.Token);
        await RoundAsync(manager);

        var removed = await manager.RemoveAsync(Root, TestContext.Token);
        Assert.Equal(2, removed!.Healthy);
        Assert.All(nodes, n => Assert.Empty(n.Pinned));
        Assert.Null(await manager.GetAsync(Root, TestContext.Token));
        Assert.Null(await manager.RemoveAsync(Root, TestContext.Token));
    }

    [Fact]
    public async Task Add_ZeroReplicas_IsRefusedWithAHint()
    {
        await using var manager = Manager();
        var e = await Assert.ThrowsAsync<CairnException>(() => manager.AddAsync(Root, 0, null, TestContext.Token));
        Assert.Equal(ErrorCode.InvalidArgument, e.Code);
        Assert.NotNull(e.Hint);
    }

    private List<FakeReplicaNode> AddNodes(int count)
    {
        var nodes = new List<FakeReplicaNode>();
        for (var i = 1; i <= count; i++)
        {
            var node = new FakeReplicaNode("node-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            _directory.Add(node);
            nodes.Add(node);
        }

        return nodes;
    }

    private ReplicationManager Manager(string? path = null)
    {
        var store = SqliteReplicaStore.Open(path ?? _dir.Combine("replicas-" + _stores.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".db"));
        _stores.Add(store);
        return new ReplicationManager(store, _directory, Options, _time, NullLogger.Instance);
    }

    /// <summary>One round and the copies it started (the loop is not started: the test drives it).</summary>
    private static async Task RoundAsync(ReplicationManager manager)
    {
        await manager.ReconcileAsync(TestContext.Token);
        await manager.WhenRepairsDoneAsync();
    }
}
