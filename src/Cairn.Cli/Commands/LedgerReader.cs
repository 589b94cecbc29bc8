using System.CommandLine;
using Cairn.ApiModels;
using Cairn.Client;
using Cairn.Ledger;
using Cairn.Market;

namespace Cairn.Cli.Commands;

/// <summary>
/// Where <c>cairn ledger balance|history|offers|deal</c> read from: a node's API (<c>--api</c>, or
/// when this home has no ledger file) or a ledger file (<c>--file</c>, else the home's own). Both give
/// the API's views, so the output is the same whichever answered.
/// </summary>
internal abstract class LedgerReader : IDisposable
{
    /// <summary>Says where the answers come from, for the table output.</summary>
    public abstract string Source { get; }

    public static LedgerReader Open(ParseResult parse, Option<string?> apiOption, string? file, string homeLedger)
    {
        var api = parse.GetValue(apiOption);
        if (!string.IsNullOrWhiteSpace(api) && file is not null)
        {
            throw new CairnException(ErrorCode.InvalidArgument, "Give --api or --file, not both.")
            {
                Hint = "--api asks a running node; --file reads a ledger file on this machine.",
            };
        }

        if (file is not null)
        {
            return new FileReader(file);
        }

        return string.IsNullOrWhiteSpace(api) && File.Exists(homeLedger)
            ? new FileReader(homeLedger)
            : new ApiReader(NodeApi.ResolveUrl(api));
    }

    public abstract Task<(BalanceView Balance, long Height)> BalanceAsync(string account, CancellationToken cancellationToken);

    public abstract Task<IReadOnlyList<LedgerEventView>> HistoryAsync(string account, int limit, CancellationToken cancellationToken);

    public abstract Task<IReadOnlyList<Offer>> OffersAsync(CancellationToken cancellationToken);

    /// <summary>The deal, or null when the ledger has none with that id.</summary>
    public abstract Task<DealView?> DealAsync(string id, CancellationToken cancellationToken);

    public virtual void Dispose()
    {
    }

    private sealed class FileReader(string path) : LedgerReader
    {
        private LedgerSnapshot? _snapshot;

        public override string Source => path;

        public override Task<(BalanceView Balance, long Height)> BalanceAsync(string account, CancellationToken cancellationToken)
        {
            var snapshot = Snapshot(cancellationToken);
            var view = new BalanceView { Account = account, Balance = snapshot.Balance(account), NextNonce = snapshot.NextNonce(account) };
            return Task.FromResult((view, snapshot.Head.Height));
        }

        public override Task<IReadOnlyList<LedgerEventView>> HistoryAsync(string account, int limit, CancellationToken cancellationToken)
        {
            IReadOnlyList<LedgerEventView> events = [.. LedgerSnapshot.History(path, account, limit).Select(View)];
            return Task.FromResult(events);
        }

        public override Task<IReadOnlyList<Offer>> OffersAsync(CancellationToken cancellationToken) =>
            Task.FromResult(Snapshot(cancellationToken).Offers());

        public override Task<DealView?> DealAsync(string id, CancellationToken cancellationToken) =>
            Task.FromResult(Snapshot(cancellationToken).Deal(id) is { } deal ? DealView.From(deal) : null);

        private static LedgerEventView View(LedgerEvent e) => new()
        {
            Height = e.Height, Index = e.Index, Block = e.Block.ToString(), Tx = e.Tx.ToString(), Type = e.Type, From = e.From, Time = e.Time,
        };

        private LedgerSnapshot Snapshot(CancellationToken cancellationToken) => _snapshot ??= LedgerSnapshot.Load(path, cancellationToken);
    }

    private sealed class ApiReader(Uri url) : LedgerReader
    {
        private readonly CairnClient _client = new(url);

        public override string Source => url.ToString();

        public override async Task<(BalanceView Balance, long Height)> BalanceAsync(string account, CancellationToken cancellationToken)
        {
            var balance = await _client.GetBalanceAsync(account, cancellationToken);
            var head = await _client.GetLedgerHeadAsync(cancellationToken);
            return (balance, head.Height);
        }

        public override async Task<IReadOnlyList<LedgerEventView>> HistoryAsync(string account, int limit, CancellationToken cancellationToken) =>
            [.. (await _client.GetAccountHistoryAsync(account, cancellationToken)).Items.Take(limit)];

        public override async Task<IReadOnlyList<Offer>> OffersAsync(CancellationToken cancellationToken) =>
            (await _client.ListOffersAsync(cancellationToken)).Items;

        public override async Task<DealView?> DealAsync(string id, CancellationToken cancellationToken)
        {
            try
            {
                return await _client.GetDealAsync(id, cancellationToken);
            }
            catch (CairnException e) when (e.Code == ErrorCode.NotFound)
            {
                return null;
            }
        }

        public override void Dispose()
        {
            _client.Dispose();
            base.Dispose();
        }
    }
}
