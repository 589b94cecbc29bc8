using Cairn.Market;

namespace Cairn.Ledger.Tests.Conformance;

/// <summary>The embedded SQLite ledger against the backend-neutral suite.</summary>
public sealed class EmbeddedLedgerConformanceTests : LedgerConformanceTests
{
    private readonly TempDir _dir = new();

    protected override Task<ILedger> CreateAsync(CancellationToken cancellationToken) =>
        Task.FromResult<ILedger>(EmbeddedLedger.Open(_dir.Combine("ledger.db"), Parties.Producer, Parties.Genesis));

    protected override async ValueTask ReleaseAsync(ILedger ledger)
    {
        var embedded = (EmbeddedLedger)ledger;
        await embedded.DisposeAsync();
        var report = EmbeddedLedger.Verify(embedded.Path, CancellationToken.None);
        Assert.True(report.Ok, report.Reason);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _dir.Dispose();
        }
    }
}
