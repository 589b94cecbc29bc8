using Cairn.Jobs;
using Cairn.Multiformats;
using Cairn.Orchestrator.Ranking;
using Cairn.Orchestrator.Scheduling;

namespace Cairn.Orchestrator.Tests.Ranking;

public class NodeSelectorTests
{
    private static NodeCandidate Node(string id, long price = 0, long localBytes = 0, int failures = 0, long cpuFree = 4000, string[]? engines = null, Dictionary<string, string>? labels = null, string[]? sources = null) => new()
    {
        Info = new NodeInfo
        {
            Id = NodeId.Parse(id),
            Engines = engines ?? ["noop", "wasm"],
            InputSources = sources ?? [],
            Labels = labels ?? [],
            Capacity = new Resources { CpuMillis = 4000, MemoryBytes = 8L << 30 },
            Available = new Resources { CpuMillis = cpuFree, MemoryBytes = 8L << 30 },
            Price = price,
        },
        LocalBytes = localBytes,
        PreviousFailures = failures,
    };

    private static RankingContext Context(Job? job = null) => new() { Job = job ?? TestJobs.Noop() };

    [Fact]
    public void DataLocality_NodeHoldingMoreInputBytes_RanksFirst()
    {
        var ranked = NodeSelector.Default.Rank(Context(), [Node("n-a", localBytes: 10), Node("n-b", localBytes: 1000), Node("n-c")]);

        Assert.Equal(["n-b", "n-a", "n-c"], ranked.Select(r => r.NodeId.Value));
        Assert.Contains("locality: +20 for 1000 input bytes already here", ranked[0].Reasons);
    }

    [Fact]
    public void PreviousFailures_OutweighLocality_SoRetriesMove()
    {
        var ranked = NodeSelector.Default.Rank(Context(), [Node("n-a", localBytes: 1000, failures: 1), Node("n-b", localBytes: 500)]);

        Assert.Equal("n-b", ranked[0].NodeId.Value);
        Assert.True(ranked[1].Eligible);
    }

    [Fact]
    public void Capacity_NodeWithoutRoom_IsRejectedWithWhatItHas()
    {
        var job = TestJobs.Noop(resources: new Resources { CpuMillis = 2000 });

        var ranked = NodeSelector.Default.Rank(Context(job), [Node("n-full", cpuFree: 1500), Node("n-free")]);

        Assert.Equal(["n-free"], ranked.Where(r => r.Eligible).Select(r => r.NodeId.Value));
        Assert.StartsWith("capacity: not enough free resources (wants cpu=2 ", Assert.Single(ranked[1].Rejections), StringComparison.Ordinal);
    }

    [Fact]
    public void Capacity_PrefersTheNodeLeftWithMoreRoom()
    {
        var ranked = NodeSelector.Default.Rank(Context(), [Node("n-busy", cpuFree: 1000), Node("n-idle", cpuFree: 4000)]);

        Assert.Equal("n-idle", ranked[0].NodeId.Value);
    }

    [Fact]
    public void Constraints_NodeWithoutTheLabel_IsRejected()
    {
        var job = TestJobs.Noop(constraints: [new Constraint { Key = "region", Operator = ConstraintOperator.Equal, Values = ["eu"] }]);

        var ranked = NodeSelector.Default.Rank(Context(job), [Node("n-us", labels: new() { ["region"] = "us" }), Node("n-eu", labels: new() { ["region"] = "eu" })]);

        Assert.Equal("n-eu", ranked[0].NodeId.Value);
        Assert.Equal(["constraints: labels do not meet 'region Equal eu'"], ranked[1].Rejections);
    }

    [Fact]
    public void Engine_MissingEngineOrSourceType_IsRejected()
    {
        var job = TestJobs.Noop() with
        {
            Tasks = [TestJobs.Noop().Tasks[0] with { InputSources = [new InputSource { Target = "/in", Source = new SpecConfig { Type = "url" } }] }],
        };

        var ranked = NodeSelector.Default.Rank(Context(job), [Node("n-a", engines: ["wasm"]), Node("n-b", sources: ["ipfs"]), Node("n-c", sources: ["ipfs", "url"])]);

        Assert.Equal(["n-c"], ranked.Where(r => r.Eligible).Select(r => r.NodeId.Value));
        Assert.Equal(
            "n-a: engine: does not run the noop engine; n-b: engine: cannot fetch url inputs",
            NodeSelector.ExplainRejections(ranked));
    }

    [Fact]
    public void Price_AboveMaxPriceRejected_CheaperPreferred()
    {
        var job = TestJobs.Noop(payment: new Payment { Budget = 100, MaxPrice = 10 });

        var ranked = NodeSelector.Default.Rank(Context(job), [Node("n-dear", price: 11), Node("n-mid", price: 5), Node("n-cheap", price: 1)]);

        Assert.Equal(["n-cheap", "n-mid", "n-dear"], ranked.Select(r => r.NodeId.Value));
        Assert.False(ranked[2].Eligible);
        Assert.Equal(["price: price 11 is above MaxPrice 10"], ranked[2].Rejections);
    }

    [Fact]
    public void Rank_EqualNodes_AreOrderedById()
    {
        var ranked = NodeSelector.Default.Rank(Context(), [Node("n-c"), Node("n-a"), Node("n-b")]);

        Assert.Equal(["n-a", "n-b", "n-c"], ranked.Select(r => r.NodeId.Value));
    }

    [Fact]
    public void ExplainRejections_NoNodes_SaysSo() => Assert.Equal("no compute nodes are connected", NodeSelector.ExplainRejections([]));

    [Fact]
    public void InputCids_IncludeIpfsInputsAndTheWasmEntryModule()
    {
        var module = "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e";
        var data = "QmWATWQ7fVPP2EFGu71UkfnqhYXDYH566qy47CnJDgvs8u";
        var job = TestJobs.Noop() with
        {
            Tasks =
            [
                new JobTask
                {
                    Name = "main",
                    Engine = new SpecConfig { Type = "wasm", Params = SpecParams.Create([new("EntryModule", SpecParams.Create([new("Source", SpecParams.Create([new("Type", "ipfs"), new("Params", SpecParams.Create([new("CID", module)]))]))]))]) },
                    InputSources =
                    [
                        new InputSource { Target = "/data", Source = new SpecConfig { Type = "ipfs", Params = SpecParams.Create([new("cid", data)]) } },
                        new InputSource { Target = "/inline", Source = new SpecConfig { Type = "inline", Params = SpecParams.Create([new("URL", "data:,x")]) } },
                    ],
                },
            ],
        };

        Assert.Equal([data, module], JobScheduler.InputCids(job).Select(c => c.ToString()));
        Assert.Equal(Cid.Parse(module), JobScheduler.InputCids(job)[1]);
    }
}
