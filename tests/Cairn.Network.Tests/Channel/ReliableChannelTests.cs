using System.Collections.Concurrent;
using System.Text.Json;
using Cairn.Network.Channel;

namespace Cairn.Network.Tests.Channel;

public sealed class ReliableChannelTests
{
    private const int Count = 300;

    [Fact(Timeout = 60_000)]
    public async Task Send_WithSocketCutMidStream_DeliversEveryMessageOnceInOrder()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(55));
        var ct = cts.Token;
        var received = new ConcurrentQueue<long>();
        using var sender = new ReliableChannel(new MemoryOutbox(), (_, _) => Task.CompletedTask, TimeProvider.System);
        using var receiver = new ReliableChannel(new MemoryOutbox(), (m, _) => Record(received, m), TimeProvider.System);

        var producing = Task.Run(
            async () =>
            {
                for (var i = 1; i <= Count; i++)
                {
                    await sender.SendAsync("n", JsonSerializer.SerializeToElement(i), ct);
                    if (i % 7 == 0)
                    {
                        await Task.Yield();
                    }
                }
            },
            ct);

        // Cut the connection several times while messages flow, reconnecting each time as the dialer does:
        // each side tells the other the last sequence number it received.
        for (var round = 0; round < 4 && received.Count < Count; round++)
        {
            using var pair = await SocketPair.CreateAsync(ct);
            var a = sender.RunAsync(pair.Client, receiver.LastReceived, null, ct);
            var b = receiver.RunAsync(pair.Server, sender.LastReceived, null, ct);
            await WaitUntilAsync(() => received.Count >= (round + 1) * Count / 5 || received.Count == Count, ct);
            pair.Cut();
            await Task.WhenAll(a, b);
        }

        await producing;
        using (var last = await SocketPair.CreateAsync(ct))
        {
            var a = sender.RunAsync(last.Client, receiver.LastReceived, null, ct);
            var b = receiver.RunAsync(last.Server, sender.LastReceived, null, ct);
            await WaitUntilAsync(() => received.Count >= Count && sender.Outbox.Pending().Count == 0, ct);
            last.Cut();
            await Task.WhenAll(a, b);
        }

        Assert.Equal(Enumerable.Range(1, Count).Select(i => (long)i), received);
    }

    [Fact(Timeout = 60_000)]
    public async Task Run_WhenPeerAlreadyHasMessages_ReplaysOnlyTheRest()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(55));
        var ct = cts.Token;
        var received = new ConcurrentQueue<long>();
        using var sender = new ReliableChannel(new MemoryOutbox(), (_, _) => Task.CompletedTask, TimeProvider.System);

        // Sent while disconnected: kept.
        for (var i = 1; i <= 5; i++)
        {
            await sender.SendAsync("n", JsonSerializer.SerializeToElement(i), ct);
        }

        Assert.Equal(5, sender.Outbox.Pending().Count);

        // The receiver says it already has 1-3 (it received them before a crash of the link).
        using var receiver = new ReliableChannel(new MemoryOutbox(), (m, _) => Record(received, m), TimeProvider.System, lastReceived: 3);
        using var pair = await SocketPair.CreateAsync(ct);
        var a = sender.RunAsync(pair.Client, receiver.LastReceived, null, ct);
        var b = receiver.RunAsync(pair.Server, sender.LastReceived, null, ct);
        await WaitUntilAsync(() => sender.Outbox.Pending().Count == 0, ct);
        pair.Cut();
        await Task.WhenAll(a, b);

        Assert.Equal([4L, 5L], received);
    }

    [Fact(Timeout = 60_000)]
    public async Task Receive_DuplicateSequenceNumber_IsDroppedAndAcknowledged()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(55));
        var ct = cts.Token;
        var received = new ConcurrentQueue<long>();
        using var receiver = new ReliableChannel(new MemoryOutbox(), (m, _) => Record(received, m), TimeProvider.System);
        using var pair = await SocketPair.CreateAsync(ct);
        var run = receiver.RunAsync(pair.Server, 0, null, ct);
        var body = JsonSerializer.SerializeToElement(1);
        await WireCodec.WriteAsync(pair.Client, new WireMessage(1, 0, "n", body), ct);
        await WireCodec.WriteAsync(pair.Client, new WireMessage(1, 0, "n", body), ct);
        await WireCodec.WriteAsync(pair.Client, new WireMessage(2, 0, "n", body), ct);

        // Three acks come back (one per frame), the last acknowledging 2.
        long lastAck = 0;
        for (var i = 0; i < 3; i++)
        {
            var ack = await WireCodec.ReadAsync(pair.Client, ct);
            Assert.NotNull(ack);
            Assert.Equal(MessageTypes.Ack, ack.Type);
            lastAck = ack.Ack;
        }

        pair.Cut();
        await run;
        Assert.Equal(2, lastAck);
        Assert.Equal(2, received.Count);
    }

    private static Task Record(ConcurrentQueue<long> received, WireMessage message)
    {
        if (message.Seq > 0)
        {
            received.Enqueue(message.Seq);
        }

        return Task.CompletedTask;
    }

    internal static async Task WaitUntilAsync(Func<bool> condition, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(45));
        while (!condition())
        {
            await Task.Delay(10, deadline.Token);
        }
    }
}
