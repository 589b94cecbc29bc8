using System.Text.Json;

namespace Cairn.IntegrationTests;

/// <summary><c>cairn ledger</c> as a user on another machine runs it: real processes asking a real node's API.</summary>
public class LedgerCliTests
{
    [Fact(Timeout = 180_000)]
    public async Task LedgerCommands_AgainstTheApi_ShowWhatTheNodesLedgerHolds()
    {
        var ct = TestContext.Current;
        await using var node = await TestNode.StartAsync(ct);
        using var dir = new TempDir();
        var job = await node.RunAsync(Modules.TasksSpec(["sleepy", "1"], jobExtra: "Payment: {Budget: 50000}\n"), ct);
        job = await node.WaitSettledAsync(job.Job.ID, ct);
        var dealId = Assert.Single(job.Executions).DealID!;
        var api = node.Node.ApiUrl.ToString();

        // An empty home: no ledger file here, so every answer must have come from the node.
        string[] client = ["--home", dir.Combine("client-home"), "--api", api, "--output", "json"];
        var balance = await CairnProcess.RunAsync(["ledger", "balance", node.Node.ClientDid, .. client], ct);
        Assert.True(balance.ExitCode == 0, balance.Stderr);
        using (var json = JsonDocument.Parse(balance.Stdout))
        {
            Assert.Equal(await node.BalanceAsync(node.Node.ClientDid, ct), json.RootElement.GetProperty("Balance").GetInt64());
            Assert.True(json.RootElement.GetProperty("Height").GetInt64() > 0);
        }

        var deal = await CairnProcess.RunAsync(["ledger", "deal", dealId, .. client], ct);
        Assert.True(deal.ExitCode == 0, deal.Stderr);
        using (var json = JsonDocument.Parse(deal.Stdout))
        {
            Assert.Equal(dealId, json.RootElement.GetProperty("ID").GetString());
            Assert.Equal(job.Executions[0].Paid, json.RootElement.GetProperty("Paid").GetInt64());
            Assert.Equal("Settled", json.RootElement.GetProperty("Status").GetString());
        }

        var history = await CairnProcess.RunAsync(["ledger", "history", node.Node.ClientDid, .. client], ct);
        Assert.True(history.ExitCode == 0, history.Stderr);
        using (var json = JsonDocument.Parse(history.Stdout))
        {
            var types = json.RootElement.GetProperty("Items").EnumerateArray().Select(e => e.GetProperty("Type").GetString()).ToList();
            Assert.Contains("deal.open", types);
            Assert.Contains("deal.settle", types);
        }

        var offers = await CairnProcess.RunAsync(["ledger", "offers", .. client], ct);
        Assert.True(offers.ExitCode == 0, offers.Stderr);
        using (var json = JsonDocument.Parse(offers.Stdout))
        {
            Assert.Contains(json.RootElement.GetProperty("Items").EnumerateArray(), o => o.GetProperty("Provider").GetString() == node.Node.NodeDid);
        }

        // The same question of the node's own ledger file gives the same deal, as a table.
        var local = await CairnProcess.RunAsync(["ledger", "deal", dealId, "--file", node.Node.Home.LedgerPath], ct);
        Assert.True(local.ExitCode == 0, local.Stderr);
        Assert.Matches(@"status\s+settled", local.Stdout);

        var missing = await CairnProcess.RunAsync(["ledger", "deal", "e-00000000-0000-0000-0000-000000000000", .. client], ct);
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("No deal", missing.Stderr, StringComparison.Ordinal);

        var both = await CairnProcess.RunAsync(["ledger", "offers", "--api", api, "--file", node.Node.Home.LedgerPath], ct);
        Assert.NotEqual(0, both.ExitCode);
        Assert.Contains("not both", both.Stderr, StringComparison.Ordinal);
    }

    [Fact(Timeout = 180_000)]
    public async Task Transfer_SignedOnTheClientMachine_IsCommittedByTheNode_AndBadOnesAreRefusedWithTheReason()
    {
        var ct = TestContext.Current;
        await using var node = await TestNode.StartAsync(ct);
        using var dir = new TempDir();
        var api = node.Node.ApiUrl.ToString();
        var aliceHome = dir.Combine("alice");
        var created = await CairnProcess.RunAsync(["account", "create", "--home", aliceHome], ct);
        Assert.True(created.ExitCode == 0, created.Stderr);
        var alice = System.Text.RegularExpressions.Regex.Match(created.Stdout + created.Stderr, @"did:key:z\w+").Value;
        Assert.NotEmpty(alice);
        var before = await node.BalanceAsync(node.Node.ClientDid, ct);

        // The node's client account pays alice, signed with its key in the node's home...
        var pay = await CairnProcess.RunAsync(["ledger", "transfer", alice, "500", "--home", node.Node.Home.Root, "--name", "client", "--api", api, "--output", "json"], ct);
        Assert.True(pay.ExitCode == 0, pay.Stderr);
        using (var receipt = JsonDocument.Parse(pay.Stdout))
        {
            Assert.True(receipt.RootElement.GetProperty("Height").GetInt64() > 0);
            Assert.StartsWith("bafyrei", receipt.RootElement.GetProperty("Tx").GetString(), StringComparison.Ordinal);
        }

        // ...and alice sends some back from her own machine's home.
        var back = await CairnProcess.RunAsync(["ledger", "transfer", node.Node.ClientDid, "200", "--home", aliceHome, "--api", api], ct);
        Assert.True(back.ExitCode == 0, back.Stderr);
        Assert.Equal(300, await node.BalanceAsync(alice, ct));
        Assert.Equal(before - 300, await node.BalanceAsync(node.Node.ClientDid, ct));

        // More than she has: the ledger's rule, named, and nothing moves.
        var tooMuch = await CairnProcess.RunAsync(["ledger", "transfer", node.Node.ClientDid, "1000", "--home", aliceHome, "--api", api], ct);
        Assert.NotEqual(0, tooMuch.ExitCode);
        Assert.Contains(alice, tooMuch.Stderr, StringComparison.Ordinal);
        Assert.Equal(300, await node.BalanceAsync(alice, ct));

        // Bytes that are no transaction, and a replay of one already committed.
        using var http = new HttpClient { BaseAddress = node.Node.ApiUrl };
        using (var garbage = new ByteArrayContent([0xa1, 0x61, 0x78, 0x01]))
        {
            garbage.Headers.ContentType = new("application/vnd.ipld.dag-cbor");
            using var response = await http.PostAsync("api/v1/ledger/transactions", garbage, ct);
            Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("application/problem+json", response.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
        }

        var history = (await node.Client.GetAccountHistoryAsync(alice, ct)).Items;
        var sent = history.Single(e => e.From == alice);
        var bytes = (await node.Client.GetTransactionAsync(sent.Tx, ct)).Data;
        var replay = await Assert.ThrowsAsync<CairnException>(() => node.Client.SubmitTransactionAsync(bytes, ct));
        Assert.Equal(ErrorCode.Conflict, replay.Code);
        Assert.Contains("nonce", replay.Message, StringComparison.OrdinalIgnoreCase);
    }
}
