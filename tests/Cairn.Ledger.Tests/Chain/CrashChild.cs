using Cairn.Ledger.Chain;
using Cairn.Ledger.Identity;
using Cairn.Ledger.State;
using Cairn.Market;

namespace Cairn.Ledger.Tests.Chain;

/// <summary>
/// The child process of <see cref="CrashTests"/>: appends transfers as fast as it can and prints
/// <c>ACK cid</c> for each one the ledger reports committed, until it is killed.
/// Run as <c>dotnet Cairn.Ledger.Tests.dll crash-child DB PRODUCER_HEX ALICE_HEX BOB_DID</c>.
/// </summary>
internal static class CrashChild
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length != 5 || args[0] != "crash-child")
        {
            await Console.Error.WriteLineAsync("This assembly is a test project; its Main only serves the crash test.");
            return 2;
        }

        using var producer = LedgerKey.FromPrivateScalar(Convert.FromHexString(args[2]));
        using var alice = LedgerKey.FromPrivateScalar(Convert.FromHexString(args[3]));
        var bob = args[4];
        var genesis = Genesis(producer, alice);
        await using var ledger = EmbeddedLedger.Open(args[1], producer, genesis, new LedgerOptions { MaxBlockTransactions = 64, BlockInterval = TimeSpan.FromMilliseconds(2) });
        var nonce = await ledger.GetNextNonceAsync(alice.Did.Text, CancellationToken.None);
        var stdout = Console.Out;
        await stdout.WriteLineAsync("READY");
        await stdout.FlushAsync();
        while (true)
        {
            var wave = new List<Task<TxReceipt>>();
            for (var i = 0; i < 100; i++)
            {
                var body = new TransactionBody(TxTypes.Transfer, alice.Did.Text, nonce++, new Dictionary<string, object?>(StringComparer.Ordinal) { ["to"] = bob, ["amount"] = 1L });
                wave.Add(ledger.SubmitAsync(ledger.Sign(body, alice), CancellationToken.None).AsTask());
            }

            foreach (var t in wave)
            {
                var receipt = await t;
                await stdout.WriteLineAsync("ACK " + receipt.TxId);
            }

            await stdout.FlushAsync();
        }
    }

    public static GenesisConfig Genesis(LedgerKey producer, LedgerKey alice) => new(
        "crash",
        producer.Did.Text,
        producer.Did.Text,
        [],
        0,
        0,
        new Dictionary<string, long>(StringComparer.Ordinal) { [alice.Did.Text] = 1_000_000_000 },
        1_700_000_000_000);
}
