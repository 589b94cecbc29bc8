using System.Diagnostics;
using Cairn.Ledger.Identity;
using Cairn.Multiformats;

namespace Cairn.Ledger.Tests.Chain;

/// <summary>
/// A child process appends to a real SQLite ledger and is SIGKILLed at a random moment, several
/// times over; after each kill the ledger reopens at its last durable block, verifies from genesis,
/// and still holds every transaction the child was told was committed.
/// </summary>
public sealed class CrashTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact(Timeout = 180_000)]
    public async Task KillDuringAppends_RestartVerifies_NoAcknowledgedTransactionLost()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(170));
        var db = _dir.Combine("ledger.db");
        using var producer = LedgerKey.Generate();
        using var alice = LedgerKey.Generate();
        using var bob = LedgerKey.Generate();
        var acknowledged = new List<Cid>();
        var random = new Random();
        for (var round = 0; round < 4; round++)
        {
            var ackTarget = acknowledged.Count + random.Next(50, 1500);
            var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[] { typeof(CrashChild).Assembly.Location, "crash-child", db, Convert.ToHexString(producer.ExportPrivateScalar()), Convert.ToHexString(alice.ExportPrivateScalar()), bob.Did.Text })
            {
                psi.ArgumentList.Add(a);
            }

            using var child = Process.Start(psi)!;
            try
            {
                // A plain blocking reader on its own thread: the child must never stall on a full pipe.
                var stderr = Task.Run(child.StandardError.ReadToEnd, CancellationToken.None);
                var reachedTarget = await Task.Run(
                    () =>
                    {
                        string? line;
                        while ((line = child.StandardOutput.ReadLine()) is not null)
                        {
                            if (line.StartsWith("ACK ", StringComparison.Ordinal))
                            {
                                acknowledged.Add(Cid.Parse(line[4..]));
                                if (acknowledged.Count >= ackTarget)
                                {
                                    return true;
                                }
                            }
                        }

                        return false;
                    },
                    cts.Token).WaitAsync(cts.Token);
                if (!reachedTarget)
                {
                    Assert.Fail("the child exited early: " + await stderr.WaitAsync(cts.Token));
                }
            }
            finally
            {
                // SIGKILL: no flush, no dispose, quite likely mid-block.
                child.Kill();
                await child.WaitForExitAsync(CancellationToken.None);
            }

            var report = EmbeddedLedger.Verify(db, cts.Token);
            Assert.True(report.Ok, $"round {round}: {report.Reason} at {report.BadHeight}");
            await using var ledger = EmbeddedLedger.Open(db, producer);
            foreach (var cid in acknowledged)
            {
                Assert.NotNull(await ledger.GetTransactionBytesAsync(cid, cts.Token));
            }

            Assert.True(await ledger.GetBalanceAsync(bob.Did.Text, cts.Token) >= acknowledged.Count);
            Assert.Null(ledger.CheckInvariants());
        }
    }
}
