using System.Net.WebSockets;
using System.Text.Json;
using Cairn.Jobs;
using Cairn.Jobs.Compute;
using Cairn.Ledger.Identity;
using Cairn.Network.Admission;
using Cairn.Network.Channel;
using Cairn.Network.Protocol;
using Cairn.Network.Tests.Channel;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cairn.Network.Tests;

public sealed class ComputeHubTests
{
    private static readonly ComputeHubOptions Fast = new()
    {
        HeartbeatInterval = TimeSpan.FromMilliseconds(100),
        LostTimeout = TimeSpan.FromSeconds(30),
        RequestTimeout = TimeSpan.FromSeconds(20),
    };

    [Fact(Timeout = 60_000)]
    public async Task Join_OpenPolicy_NodeIsReadyAndAnswersCalls()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(55));
        var ct = cts.Token;
        await using var hub = await HubFixture.StartAsync(Fast, new NodeAdmission(AdmissionPolicy.Open), ct);
        using var key = LedgerKey.Generate();
        var node = new InstantComputeNode(key);
        await using var dialer = Dialer(hub, node, key, new MemoryOutbox());
        dialer.Start();
        await ReliableChannelTests.WaitUntilAsync(() => !hub.Sink.Ready.IsEmpty, ct);

        // A first connection is a new process too (no session id): the orchestrator fails whatever it may
        // still think runs there (nothing, here), as it must after its own restart.
        var (remote, restarted) = Assert.Single(hub.Sink.Ready);
        Assert.True(restarted);
        Assert.Equal(node.Id, remote.Id);
        Assert.Equal(["noop"], (await remote.GetInfoAsync(ct)).Engines);
        Assert.Equal(84, await remote.GetLocalBytesAsync([Cairn.Multiformats.Cid.Parse("bafkqaaa"), Cairn.Multiformats.Cid.Parse("bafkqaaa")], ct));
        var id = ExecutionId.New();
        var bid = await remote.AskBidAsync(new AskBidRequest { ExecutionId = id, Job = SampleJob() }, ct);
        Assert.True(bid.Accepted);
        Assert.Equal(7, bid.Price);
    }

    [Fact(Timeout = 60_000)]
    public async Task Join_ConnectionDroppedRepeatedlyMidStream_EveryExecutionStartsAndReportsOnce()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(55));
        var ct = cts.Token;
        using var dir = new TempDir();
        await using var hub = await HubFixture.StartAsync(Fast, new NodeAdmission(AdmissionPolicy.Open), ct);
        using var key = LedgerKey.Generate();
        var node = new InstantComputeNode(key);
        using var outbox = SqliteOutbox.Open(Path.Combine(dir.Path, "outbox.db"));
        await using var dialer = Dialer(hub, node, key, outbox);
        dialer.Start();
        await ReliableChannelTests.WaitUntilAsync(() => !hub.Sink.Ready.IsEmpty, ct);
        var remote = hub.Sink.Ready.First().Node;

        const int Executions = 60;
        var ids = Enumerable.Range(0, Executions).Select(_ => ExecutionId.New()).ToList();
        for (var i = 0; i < Executions; i++)
        {
            // Orders are kept while the node is away and delivered when it is back.
            await remote.BidAcceptedAsync(new BidAcceptedRequest { ExecutionId = ids[i], Job = SampleJob() }, ct);
            if (i % 15 == 7)
            {
                dialer.Disconnect();
            }
        }

        await ReliableChannelTests.WaitUntilAsync(() => hub.Reports.Completed.Count == Executions, ct);

        // Let any replay still in flight land before counting duplicates.
        await ReliableChannelTests.WaitUntilAsync(() => outbox.Pending().Count == 0, ct);
        Assert.All(ids, id => Assert.Equal(1, hub.Reports.Completed[id]));
        Assert.All(ids, id => Assert.Equal(1, node.Accepted[id]));
        Assert.True(dialer.Connections > 1, "the connection was dropped and re-established");
        // Only the first connection was a new process; every reconnect resumed its session.
        Assert.True(hub.Sink.Ready.First().Restarted);
        Assert.True(hub.Sink.Ready.Skip(1).All(r => !r.Restarted));
    }

    [Fact(Timeout = 60_000)]
    public async Task Restart_ComputeWithReportsInOutbox_ReplaysThemThenSaysRestarted()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(55));
        var ct = cts.Token;
        using var dir = new TempDir();
        var outboxPath = Path.Combine(dir.Path, "outbox.db");
        await using var hub = await HubFixture.StartAsync(Fast, new NodeAdmission(AdmissionPolicy.Open), ct);
        using var key = LedgerKey.Generate();
        var node = new InstantComputeNode(key);
        using (var first = SqliteOutbox.Open(outboxPath))
        {
            await using var dialer = Dialer(hub, node, key, first);
            dialer.Start();
            await ReliableChannelTests.WaitUntilAsync(() => hub.Sink.Ready.Count == 1, ct);
        }

        // While the process is down, an execution that finished just before the crash sits in the outbox.
        var finished = ExecutionId.New();
        using (var crashed = SqliteOutbox.Open(outboxPath))
        {
            await crashed.AppendAsync(MessageTypes.Report, JsonSerializer.SerializeToElement(
                new ExecutionReport { ExecutionId = finished, NodeId = node.Id, State = ExecutionState.Completed }, NetworkJsonContext.Default.ExecutionReport), ct);
        }

        using var second = SqliteOutbox.Open(outboxPath);
        await using var restartedDialer = Dialer(hub, node, key, second);
        restartedDialer.Start();
        await ReliableChannelTests.WaitUntilAsync(() => hub.Sink.Ready.Count == 2, ct);

        // The report was delivered before "ready" (the orchestrator fails the node's other executions only then).
        Assert.Equal(1, hub.Reports.Completed[finished]);
        Assert.True(hub.Sink.Ready.Last().Restarted);
    }

    [Fact(Timeout = 60_000)]
    public async Task Hello_WithBadSignature_IsRefused()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(55));
        var ct = cts.Token;
        await using var hub = await HubFixture.StartAsync(Fast, new NodeAdmission(AdmissionPolicy.Open), ct);
        using var key = LedgerKey.Generate();
        using var impostor = LedgerKey.Generate();
        var info = JsonSerializer.SerializeToElement(new NodeInfo { Id = NodeId.Parse(key.Did.Text) }, NetworkJsonContext.Default.NodeInfo);

        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri($"ws://{hub.Url.Authority}/{ComputeDialerOptions.ConnectPath}"), ct);
        var challenge = WireCodec.Body((await WireCodec.ReadAsync(socket, ct))!, NetworkJsonContext.Default.ChallengeBody);

        // Claims key's DID but signs with another key.
        var payload = HelloSigning.Payload(challenge.Nonce, key.Did.Text, "s", null, 0, null, info.GetRawText());
        var hello = new HelloBody(key.Did.Text, "s", null, 0, null, info, HelloSigning.Sign(impostor, payload));
        await WireCodec.WriteAsync(socket, new WireMessage(0, 0, MessageTypes.Hello, JsonSerializer.SerializeToElement(hello, NetworkJsonContext.Default.HelloBody)), ct);
        var welcome = WireCodec.Body((await WireCodec.ReadAsync(socket, ct))!, NetworkJsonContext.Default.WelcomeBody);

        Assert.Equal("rejected", welcome.Status);
        Assert.Contains("signature", welcome.Message, StringComparison.Ordinal);
        Assert.Empty(hub.Hub.Nodes);
        Assert.Empty(hub.Sink.Ready);
    }

    [Fact(Timeout = 60_000)]
    public async Task Hello_SignedForAnotherChallenge_IsRefused()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(55));
        var ct = cts.Token;
        await using var hub = await HubFixture.StartAsync(Fast, new NodeAdmission(AdmissionPolicy.Open), ct);
        using var key = LedgerKey.Generate();
        var info = JsonSerializer.SerializeToElement(new NodeInfo { Id = NodeId.Parse(key.Did.Text) }, NetworkJsonContext.Default.NodeInfo);
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri($"ws://{hub.Url.Authority}/{ComputeDialerOptions.ConnectPath}"), ct);
        _ = await WireCodec.ReadAsync(socket, ct);

        // A hello captured from an earlier connection (signed over its nonce) is worthless on this one.
        var payload = HelloSigning.Payload("an-old-nonce", key.Did.Text, "s", null, 0, null, info.GetRawText());
        var hello = new HelloBody(key.Did.Text, "s", null, 0, null, info, HelloSigning.Sign(key, payload));
        await WireCodec.WriteAsync(socket, new WireMessage(0, 0, MessageTypes.Hello, JsonSerializer.SerializeToElement(hello, NetworkJsonContext.Default.HelloBody)), ct);
        var welcome = WireCodec.Body((await WireCodec.ReadAsync(socket, ct))!, NetworkJsonContext.Default.WelcomeBody);

        Assert.Equal("rejected", welcome.Status);
        Assert.Empty(hub.Hub.Nodes);
    }

    [Fact(Timeout = 60_000)]
    public async Task Join_ManualPolicy_WaitsPendingUntilApproved()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(55));
        var ct = cts.Token;
        using var dir = new TempDir();
        var admission = new NodeAdmission(AdmissionPolicy.Manual, decisionsPath: Path.Combine(dir.Path, "admission.json"));
        await using var hub = await HubFixture.StartAsync(Fast, admission, ct);
        using var key = LedgerKey.Generate();
        await using var dialer = Dialer(hub, new InstantComputeNode(key), key, new MemoryOutbox());
        dialer.Start();
        await ReliableChannelTests.WaitUntilAsync(() => admission.Pending.Count == 1, ct);
        Assert.Equal(key.Did.Text, admission.Pending[0].Did);
        Assert.Equal(AdmissionStatus.Pending, dialer.LastRefusal);
        Assert.Empty(hub.Sink.Ready);

        admission.Approve(key.Did.Text);
        await ReliableChannelTests.WaitUntilAsync(() => !hub.Sink.Ready.IsEmpty, ct);
        Assert.Empty(admission.Pending);

        // The decision is kept: a restarted orchestrator admits the node at once.
        Assert.Equal(AdmissionStatus.Admitted, new NodeAdmission(AdmissionPolicy.Manual, decisionsPath: Path.Combine(dir.Path, "admission.json")).Decide(key.Did.Text, null));
    }

    [Fact(Timeout = 60_000)]
    public async Task Join_AllowListWithoutTheNode_IsRejected()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(55));
        var ct = cts.Token;
        using var allowed = LedgerKey.Generate();
        await using var hub = await HubFixture.StartAsync(Fast, new NodeAdmission(AdmissionPolicy.AllowList, [allowed.Did.Text]), ct);
        using var key = LedgerKey.Generate();
        await using var dialer = Dialer(hub, new InstantComputeNode(key), key, new MemoryOutbox());
        dialer.Start();
        await ReliableChannelTests.WaitUntilAsync(() => dialer.LastRefusal == AdmissionStatus.Rejected, ct);
        Assert.Empty(hub.Hub.Nodes);
    }

    [Fact(Timeout = 60_000)]
    public async Task Silence_PastLostTimeout_NodeIsLostAndCallsFail()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(55));
        var ct = cts.Token;
        var options = Fast with { LostTimeout = TimeSpan.FromSeconds(1) };
        await using var hub = await HubFixture.StartAsync(options, new NodeAdmission(AdmissionPolicy.Open), ct);
        using var key = LedgerKey.Generate();
        var dialer = Dialer(hub, new InstantComputeNode(key), key, new MemoryOutbox());
        dialer.Start();
        await ReliableChannelTests.WaitUntilAsync(() => !hub.Sink.Ready.IsEmpty, ct);
        var remote = hub.Sink.Ready.First().Node;

        // While heartbeats flow the node stays, however long (well past the lost timeout).
        await Task.Delay(TimeSpan.FromSeconds(2), ct);
        Assert.Empty(hub.Sink.Lost);

        await dialer.DisposeAsync();
        await ReliableChannelTests.WaitUntilAsync(() => !hub.Sink.Lost.IsEmpty, ct);
        Assert.Equal(remote.Id, Assert.Single(hub.Sink.Lost));
        Assert.Empty(hub.Hub.Nodes);
        var error = await Assert.ThrowsAsync<CairnException>(() => remote.AskBidAsync(new AskBidRequest { ExecutionId = ExecutionId.New(), Job = SampleJob() }, ct));
        Assert.Equal(ErrorCode.ServiceUnavailable, error.Code);
    }

    [Fact(Timeout = 60_000)]
    public async Task ProviderRecords_AnnouncedAndUpdated_AnswerLocalityWithoutAskingTheNode()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(55));
        var ct = cts.Token;
        await using var hub = await HubFixture.StartAsync(Fast, new NodeAdmission(AdmissionPolicy.Open), ct);
        using var key = LedgerKey.Generate();
        var a = Cairn.Multiformats.Cid.Compute(1, Cairn.Multiformats.Multicodec.Raw, [1]);
        var b = Cairn.Multiformats.Cid.Compute(1, Cairn.Multiformats.Multicodec.Raw, [2]);
        var node = new ProvidingComputeNode(key) { Roots = [new ProvidedRoot(a.ToString(), 1000)] };
        await using var dialer = new ComputeDialer(
            new ComputeDialerOptions { Orchestrator = hub.Url, HeartbeatInterval = TimeSpan.FromMilliseconds(100), ProvideInterval = TimeSpan.FromMilliseconds(100) },
            node,
            key,
            new MemoryOutbox(),
            TimeProvider.System,
            NullLogger.Instance);
        dialer.Start();
        await ReliableChannelTests.WaitUntilAsync(() => !hub.Sink.Ready.IsEmpty && hub.Sink.Ready.First().Node.Provided is not null, ct);
        var remote = hub.Sink.Ready.First().Node;

        Assert.True(remote.Provides(a));
        Assert.False(remote.Provides(b));
        Assert.Equal(1000, await remote.GetLocalBytesAsync([a, b], ct));

        // The node pins more: the next look sends the records again, whole.
        node.Roots = [new ProvidedRoot(a.ToString(), 1000), new ProvidedRoot(b.ToString(), 24)];
        await ReliableChannelTests.WaitUntilAsync(() => remote.Provides(b), ct);
        Assert.Equal(1024, await remote.GetLocalBytesAsync([a, b], ct));
        Assert.Equal(0, node.LocalBytesAsked);
        Assert.Equal(2, hub.Hub.Nodes.Single().Provided!.Count);
    }

    private static ComputeDialer Dialer(HubFixture hub, InstantComputeNode node, LedgerKey key, IOutbox outbox)
    {
        var dialer = new ComputeDialer(
            new ComputeDialerOptions { Orchestrator = hub.Url, HeartbeatInterval = TimeSpan.FromMilliseconds(100), MinBackoff = TimeSpan.FromMilliseconds(50), MaxBackoff = TimeSpan.FromMilliseconds(200) },
            node,
            key,
            outbox,
            TimeProvider.System,
            NullLogger.Instance);
        node.Callback = dialer;
        return dialer;
    }

    private static Job SampleJob() => new()
    {
        Id = JobId.New(),
        Name = "sample",
        Tasks = [new JobTask { Name = "main", Engine = new SpecConfig { Type = "noop" } }],
    };
}
