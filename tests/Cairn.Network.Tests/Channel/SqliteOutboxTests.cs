using System.Text.Json;
using Cairn.Network.Channel;

namespace Cairn.Network.Tests.Channel;

public sealed class SqliteOutboxTests
{
    [Fact(Timeout = 60_000)]
    public async Task Reopen_AfterRestart_KeepsUnacknowledgedMessagesStreamAndNumbering()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(55));
        var ct = cts.Token;
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "outbox.db");
        string stream;
        using (var outbox = SqliteOutbox.Open(path))
        {
            stream = outbox.StreamId;
            for (var i = 1; i <= 4; i++)
            {
                await outbox.AppendAsync("report", JsonSerializer.SerializeToElement(i), ct);
            }

            await outbox.AcknowledgeAsync(2, ct);
        }

        using var reopened = SqliteOutbox.Open(path);
        Assert.Equal(stream, reopened.StreamId);
        Assert.Equal([3L, 4L], reopened.Pending().Select(m => m.Seq));
        Assert.Equal(4, reopened.Pending()[1].Body!.Value.GetInt32());
        var next = await reopened.AppendAsync("report", null, ct);
        Assert.Equal(5, next.Seq);

        // Acknowledging everything empties it for good, and numbering still continues after another restart.
        await reopened.AcknowledgeAsync(5, ct);
        Assert.Empty(reopened.Pending());
        reopened.Dispose();
        using var third = SqliteOutbox.Open(path);
        Assert.Empty(third.Pending());
        Assert.Equal(6, (await third.AppendAsync("report", null, ct)).Seq);
    }
}
