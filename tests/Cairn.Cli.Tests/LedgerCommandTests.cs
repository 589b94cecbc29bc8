using System.Text.Json;
using System.Text.RegularExpressions;
using Cairn.Ledger;
using Cairn.Ledger.Identity;
using Cairn.Market;
using Cairn.Multiformats;
using Microsoft.Data.Sqlite;

namespace Cairn.Cli.Tests;

/// <summary>
/// <c>cairn ledger init|balance|history|show|verify</c> as a user runs them: real processes on a
/// temporary home. Transactions are written with the library, as the node would write them.
/// </summary>
public sealed partial class LedgerCommandTests : IDisposable
{
    private const long Supply = 1_000_000;

    private readonly TempDir _dir = new();

    private string Home => _dir.Combine("home");

    private string LedgerFile => Path.Combine(Home, "ledger", "ledger.db");

    public void Dispose() => _dir.Dispose();

    private Task<CliRunner.Result> RunAsync(CancellationToken ct, params string[] args) => CliRunner.RunAsync(args, ct, Home);

    /// <summary>A home with a default key and a ledger it produces; returns the key's DID and the genesis CID.</summary>
    private async Task<(string Did, Cid Genesis)> InitAsync(CancellationToken ct)
    {
        var create = await RunAsync(ct, "account", "create");
        Assert.True(create.ExitCode == 0, create.Stderr);
        var init = await RunAsync(ct, "ledger", "init", "--supply", Supply.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(init.ExitCode == 0, init.Stderr);
        var match = GenesisLine().Match(init.Stdout);
        Assert.True(match.Success, init.Stdout);
        Assert.Contains(LedgerFile, init.Stderr, StringComparison.Ordinal);
        return (create.Stdout.Trim(), Cid.Parse(match.Groups[1].Value));
    }

    /// <summary>Transfers from the home's key, one block each, as its node would.</summary>
    private async Task<List<TxReceipt>> TransferAsync(string to, long[] amounts, CancellationToken ct)
    {
        using var key = new KeyStore(Home).Load(KeyStore.DefaultName);
        await using var ledger = EmbeddedLedger.Open(LedgerFile, key);
        var receipts = new List<TxReceipt>();
        foreach (var amount in amounts)
        {
            var nonce = await ledger.GetNextNonceAsync(key.Did.Text, ct);
            receipts.Add(await ledger.SubmitAsync(ledger.Sign(MarketTransactions.Transfer(key.Did.Text, nonce, to, amount), key), ct));
        }

        return receipts;
    }

    [Fact(Timeout = 240_000)]
    public async Task Init_ThenBalance_TheKeyHoldsTheSupply_AndASecondInitIsRefused()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(230));
        var (did, genesis) = await InitAsync(cts.Token);
        Assert.True(File.Exists(LedgerFile));

        var balance = await RunAsync(cts.Token, "ledger", "balance");
        Assert.True(balance.ExitCode == 0, balance.Stderr);
        Assert.Equal([$"account  {did}", $"balance  {Supply}", "nonce    0", "height   0"], Lines(balance.Stdout));

        var show = await RunAsync(cts.Token, "ledger", "show", "0");
        using (var json = JsonDocument.Parse(show.Stdout))
        {
            Assert.Equal("block", json.RootElement.GetProperty("kind").GetString());
            Assert.Equal(genesis.ToString(), json.RootElement.GetProperty("cid").GetString());
            var config = json.RootElement.GetProperty("value").GetProperty("genesis");
            Assert.Equal(did, config.GetProperty("producer").GetString());
            Assert.Equal(Supply, config.GetProperty("allocations").GetProperty(did).GetInt64());
        }

        var again = await RunAsync(cts.Token, "ledger", "init");
        Assert.Equal(1, again.ExitCode);
        Assert.StartsWith($"Error: A ledger exists already at {LedgerFile}", again.Stderr, StringComparison.Ordinal);
    }

    [Fact(Timeout = 240_000)]
    public async Task AfterTransfers_BalanceHistoryShowAndVerify_AgreeWithTheLedger()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(230));
        var (did, genesis) = await InitAsync(cts.Token);
        using var bob = LedgerKey.Generate();
        var receipts = await TransferAsync(bob.Did.Text, [1234, 66], cts.Token);

        var bobBalance = await RunAsync(cts.Token, "ledger", "balance", bob.Did.Text);
        Assert.True(bobBalance.ExitCode == 0, bobBalance.Stderr);
        Assert.Contains("balance  1300", bobBalance.Stdout, StringComparison.Ordinal);
        Assert.Contains("nonce    0", bobBalance.Stdout, StringComparison.Ordinal);
        var mine = Lines((await RunAsync(cts.Token, "ledger", "balance")).Stdout);
        Assert.Equal([$"account  {did}", $"balance  {Supply - 1300}", "nonce    2", $"height   {receipts[^1].Height}"], mine);

        // History: both transfers, oldest first, each with its CID, type and sender.
        var history = Lines((await RunAsync(cts.Token, "ledger", "history", bob.Did.Text)).Stdout);
        Assert.Equal(2, history.Length);
        for (var i = 0; i < 2; i++)
        {
            Assert.Contains(receipts[i].TxId.ToString(), history[i], StringComparison.Ordinal);
            Assert.Contains("transfer", history[i], StringComparison.Ordinal);
            Assert.EndsWith($"from {did}", history[i], StringComparison.Ordinal);
        }

        Assert.Single(Lines((await RunAsync(cts.Token, "ledger", "history", bob.Did.Text, "--limit", "1")).Stdout));

        // A transaction as DAG-JSON: its chain is a link to the genesis block.
        var tx = await RunAsync(cts.Token, "ledger", "show", receipts[0].TxId.ToString());
        Assert.True(tx.ExitCode == 0, tx.Stderr);
        using (var json = JsonDocument.Parse(tx.Stdout))
        {
            Assert.Equal("transaction", json.RootElement.GetProperty("kind").GetString());
            Assert.Equal(receipts[0].Height, json.RootElement.GetProperty("height").GetInt64());
            var value = json.RootElement.GetProperty("value");
            Assert.Equal(genesis.ToString(), value.GetProperty("chain").GetProperty("/").GetString());
            Assert.Equal("transfer", value.GetProperty("type").GetString());
            Assert.Equal(1234, value.GetProperty("payload").GetProperty("amount").GetInt64());
        }

        // The block holding it lists it, and the block is found by CID as by height.
        using (var json = JsonDocument.Parse((await RunAsync(cts.Token, "ledger", "show", receipts[0].Height.ToString(System.Globalization.CultureInfo.InvariantCulture))).Stdout))
        {
            Assert.Equal(receipts[0].Block.ToString(), json.RootElement.GetProperty("cid").GetString());
            Assert.Contains(receipts[0].TxId.ToString(), json.RootElement.GetProperty("value").GetProperty("txs").EnumerateArray().Select(l => l.GetProperty("/").GetString()));
        }

        var byCid = await RunAsync(cts.Token, "ledger", "show", receipts[0].Block.ToString());
        Assert.Contains("\"kind\": \"block\"", byCid.Stdout, StringComparison.Ordinal);

        var verify = await RunAsync(cts.Token, "ledger", "verify");
        Assert.True(verify.ExitCode == 0, verify.Stderr);
        Assert.Contains($"genesis     {genesis}", verify.Stdout, StringComparison.Ordinal);
        Assert.Matches($@"blocks      {receipts[^1].Height + 1} verified, 2 transactions", verify.Stdout);
        Assert.Contains($"head        {receipts[^1].Block}", verify.Stdout, StringComparison.Ordinal);
        Assert.Equal("ok", Lines(verify.Stdout)[^1]);

        var missing = await RunAsync(cts.Token, "ledger", "show", "bafyreiaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
        Assert.NotEqual(0, missing.ExitCode);
        Assert.StartsWith("Error: ", missing.Stderr, StringComparison.Ordinal);
    }

    [Fact(Timeout = 240_000)]
    public async Task Verify_TamperedTransactionOrBlockByte_FailsNamingTheHeight()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(230));
        await InitAsync(cts.Token);
        using var bob = LedgerKey.Generate();
        var receipt = (await TransferAsync(bob.Did.Text, [500], cts.Token))[0];
        var ok = await RunAsync(cts.Token, "ledger", "verify");
        Assert.True(ok.ExitCode == 0, ok.Stdout + ok.Stderr);

        // Flip one bit in the middle of the stored transaction.
        var original = ReadBlob("SELECT data FROM txs WHERE height = $h", receipt.Height);
        var tampered = (byte[])original.Clone();
        tampered[tampered.Length / 2] ^= 0x01;
        WriteBlob("UPDATE txs SET data = $d WHERE height = $h", receipt.Height, tampered);
        var bad = await RunAsync(cts.Token, "ledger", "verify");
        Assert.Equal(1, bad.ExitCode);
        Assert.StartsWith($"Error: The ledger is not valid at height {receipt.Height}: ", bad.Stderr, StringComparison.Ordinal);
        Assert.Contains("Hint: ", bad.Stderr, StringComparison.Ordinal);
        Assert.Contains($"blocks      {receipt.Height} verified", bad.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("\nok", bad.Stdout, StringComparison.Ordinal);

        // Put it back: verify passes again, so it was that byte.
        WriteBlob("UPDATE txs SET data = $d WHERE height = $h", receipt.Height, original);
        Assert.Equal(0, (await RunAsync(cts.Token, "ledger", "verify")).ExitCode);

        // The same for a byte of the block itself.
        var block = ReadBlob("SELECT data FROM blocks WHERE height = $h", receipt.Height);
        block[block.Length - 3] ^= 0x80;
        WriteBlob("UPDATE blocks SET data = $d WHERE height = $h", receipt.Height, block);
        var badBlock = await RunAsync(cts.Token, "ledger", "verify");
        Assert.Equal(1, badBlock.ExitCode);
        Assert.StartsWith($"Error: The ledger is not valid at height {receipt.Height}: ", badBlock.Stderr, StringComparison.Ordinal);
    }

    [Fact(Timeout = 240_000)]
    public async Task NoLedgerOrBadAccount_ErrorsSayWhatToDo()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(230));
        var verify = await RunAsync(cts.Token, "ledger", "verify");
        Assert.Equal(1, verify.ExitCode);
        Assert.StartsWith($"Error: No ledger at {LedgerFile}", verify.Stderr, StringComparison.Ordinal);
        Assert.Contains("Hint: ", verify.Stderr, StringComparison.Ordinal);
        Assert.Contains("cairn ledger init", verify.Stderr, StringComparison.Ordinal);

        var init = await RunAsync(cts.Token, "ledger", "init");
        Assert.Equal(1, init.ExitCode);
        Assert.StartsWith("Error: No key named 'default'", init.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(LedgerFile));

        await InitAsync(cts.Token);
        var balance = await RunAsync(cts.Token, "ledger", "balance", "did:key:zNotAKey");
        Assert.Equal(2, balance.ExitCode);
        Assert.StartsWith("Error: ", balance.Stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, balance.Stdout);
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private byte[] ReadBlob(string sql, long height)
    {
        using var connection = new SqliteConnection($"Data Source={LedgerFile};Pooling=False");
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.Parameters.AddWithValue("$h", height);
        return (byte[])cmd.ExecuteScalar()!;
    }

    private void WriteBlob(string sql, long height, byte[] data)
    {
        using var connection = new SqliteConnection($"Data Source={LedgerFile};Pooling=False");
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.Parameters.AddWithValue("$h", height);
        cmd.Parameters.AddWithValue("$d", data);
        Assert.Equal(1, cmd.ExecuteNonQuery());
    }

    [GeneratedRegex(@"^genesis (\S+)\s*$", RegexOptions.Multiline)]
    private static partial Regex GenesisLine();
}
