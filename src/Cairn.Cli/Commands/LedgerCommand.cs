using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cairn.ApiModels;
using Cairn.Cli.Output;
using Cairn.Ledger;
using Cairn.Ledger.Chain;
using Cairn.Ledger.Identity;
using Cairn.Ledger.State;
using Cairn.Market;
using Cairn.Multiformats;

namespace Cairn.Cli.Commands;

/// <summary><c>cairn ledger verify|balance|history|show|init</c> on the home's ledger file.</summary>
internal static class LedgerCommand
{
    private static readonly Option<string?> FileOption = new("--file")
    {
        Description = "The ledger file (default: $CAIRN_HOME/ledger/ledger.db).",
    };

    public static Command Create()
    {
        var command = new Command(
            "ledger",
            """
            Read and verify the ledger: signed, hash-chained blocks of market transactions.
            balance, history, offers and deal ask a node (--api URL) or read a ledger file (--file);
            by default the home's ledger file when it has one (safe while a node writes it), else
            the node at $CAIRN_API. verify and show read a file: verification replays it all here.
            """);
        command.Subcommands.Add(VerifyCommand());
        command.Subcommands.Add(BalanceCommand());
        command.Subcommands.Add(HistoryCommand());
        command.Subcommands.Add(ShowCommand());
        command.Subcommands.Add(OffersCommand());
        command.Subcommands.Add(DealCommand());
        command.Subcommands.Add(TransferCommand());
        command.Subcommands.Add(InitCommand());
        return command;
    }

    private static string LedgerPath(ParseResult parse) =>
        parse.GetValue(FileOption) is { Length: > 0 } file ? Path.GetFullPath(file) : Path.Combine(AccountCommand.ResolveHome(parse), "ledger", "ledger.db");

    private static Command VerifyCommand()
    {
        var command = new Command("verify", "Replay from genesis: every signature, nonce, rule, parent link and state root. Reports the first bad height.");
        command.Options.Add(FileOption);
        command.SetAction((parse, ct) =>
        {
            var path = LedgerPath(parse);
            var started = System.Diagnostics.Stopwatch.StartNew();
            var report = EmbeddedLedger.Verify(path, ct);
            var seconds = started.Elapsed.TotalSeconds;
            Console.WriteLine($"ledger      {path}");
            Console.WriteLine($"genesis     {report.Genesis?.ToString() ?? "-"}");
            Console.WriteLine($"blocks      {report.Blocks} verified, {report.Transactions} transactions ({report.Transactions / Math.Max(seconds, 1e-9):N0} tx/s)");
            Console.WriteLine($"head        {report.Head?.ToString() ?? "-"}");
            Console.WriteLine($"state root  {report.StateRoot ?? "-"}");
            if (report.Ok)
            {
                Console.WriteLine("ok");
                return Task.FromResult(ExitCodes.Ok);
            }

            var where = report.BadHeight is >= 0 ? $"at height {report.BadHeight}" : "in the file";
            throw new CairnException(ErrorCode.IntegrityViolation, $"The ledger is not valid {where}: {report.Reason}")
            {
                Hint = "Blocks before that height are intact; restore the file from a copy or a peer.",
            };
        });
        return command;
    }

    private static Command BalanceCommand()
    {
        var account = new Argument<string?>("account") { Description = "A did:key (default: the key named by --name).", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("balance", "Print an account's balance and next nonce at the last durable block.");
        command.Arguments.Add(account);
        var (api, output) = AddSourceOptions(command);
        command.Options.Add(AccountCommand.NameOption);
        command.SetAction(async (parse, ct) =>
        {
            var did = ResolveAccount(parse, parse.GetValue(account));
            using var reader = OpenReader(parse, api);
            var (balance, height) = await reader.BalanceAsync(did, ct);
            var node = ToNode(balance, ApiJsonContext.Default.BalanceView);
            node["Height"] = height;
            if (!Rendering.TryWriteStructured(Console.Out, parse.GetValue(output), node))
            {
                Console.WriteLine($"account  {did}");
                Console.WriteLine($"balance  {balance.Balance.ToString(CultureInfo.InvariantCulture)}");
                Console.WriteLine($"nonce    {balance.NextNonce.ToString(CultureInfo.InvariantCulture)}");
                Console.WriteLine($"height   {height.ToString(CultureInfo.InvariantCulture)}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command HistoryCommand()
    {
        var account = new Argument<string?>("account") { Description = "A did:key (default: the key named by --name).", Arity = ArgumentArity.ZeroOrOne };
        var limit = new Option<int>("--limit") { Description = "At most this many transactions.", DefaultValueFactory = _ => 100 };
        var command = new Command("history", "List the committed transactions an account sent or was named in, oldest first.");
        command.Arguments.Add(account);
        var (api, output) = AddSourceOptions(command);
        command.Options.Add(AccountCommand.NameOption);
        command.Options.Add(limit);
        command.SetAction(async (parse, ct) =>
        {
            var did = ResolveAccount(parse, parse.GetValue(account));
            using var reader = OpenReader(parse, api);
            var events = await reader.HistoryAsync(did, parse.GetValue(limit), ct);
            if (!Rendering.TryWriteStructured(Console.Out, parse.GetValue(output), ToNode(new ListResponse<LedgerEventView> { Items = events }, ApiJsonContext.Default.ListResponseLedgerEventView)))
            {
                foreach (var e in events)
                {
                    var time = DateTimeOffset.FromUnixTimeMilliseconds(e.Time).ToString("u", CultureInfo.InvariantCulture);
                    Console.WriteLine($"{e.Height,8} {e.Index,5}  {time}  {e.Type,-15} {e.Tx}  from {e.From}");
                }
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command ShowCommand()
    {
        var what = new Argument<string>("height-or-cid") { Description = "A block height, a block CID or a transaction CID." };
        var command = new Command("show", "Print a block or transaction as DAG-JSON.");
        command.Arguments.Add(what);
        command.Options.Add(FileOption);
        command.SetAction((parse, _) =>
        {
            var key = parse.GetValue(what)!;
            var found = LedgerSnapshot.Find(LedgerPath(parse), key)
                ?? throw new CairnException(ErrorCode.NotFound, $"No block or transaction '{key}' in the ledger.");
            using var stdout = Console.OpenStandardOutput();
            using (var w = new Utf8JsonWriter(stdout, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                w.WriteStartObject();
                w.WriteString("kind", found.Kind);
                w.WriteString("cid", found.Cid.ToString());
                w.WriteNumber("height", found.Height);
                w.WritePropertyName("value");
                WriteDagJson(w, found.Value);
                w.WriteEndObject();
            }

            stdout.Write("\n"u8);
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }

    private static Command OffersCommand()
    {
        var command = new Command("offers", "List the active offers at the last durable block.");
        var (api, output) = AddSourceOptions(command);
        command.SetAction(async (parse, ct) =>
        {
            using var reader = OpenReader(parse, api);
            var offers = (await reader.OffersAsync(ct)).OrderBy(o => o.Provider, StringComparer.Ordinal).ThenBy(o => o.Id, StringComparer.Ordinal).ToList();
            if (!Rendering.TryWriteStructured(Console.Out, parse.GetValue(output), ToNode(new ListResponse<Offer> { Items = offers }, ApiJsonContext.Default.ListResponseOffer)))
            {
                foreach (var o in offers)
                {
                    Console.WriteLine(
                        $"{o.Id,-16} {o.Provider}  cpu {o.Resources.CpuMillis}m mem {o.Resources.MemoryBytes} disk {o.Resources.DiskBytes} gpu {o.Resources.Gpu}"
                        + $"  engines {string.Join(',', o.Engines)}  price fuel/M {o.Prices.PerMegaFuel} cpu-s {o.Prices.PerCpuSecond} GB-s {o.Prices.PerGbSecond}"
                        + $"  collateral {o.MinCollateral}  region {o.Region}");
                }
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command DealCommand()
    {
        var id = new Argument<string>("id") { Description = "The deal id (a job's deals are listed by `cairn job describe ID`)." };
        var command = new Command("deal", "Print a deal at the last durable block.");
        command.Arguments.Add(id);
        var (api, output) = AddSourceOptions(command);
        command.SetAction(async (parse, ct) =>
        {
            var dealId = parse.GetValue(id)!;
            using var reader = OpenReader(parse, api);
            var d = await reader.DealAsync(dealId, ct)
                ?? throw new CairnException(ErrorCode.NotFound, $"No deal '{dealId}' on the ledger ({reader.Source}).")
                {
                    Hint = "A deal's id is its execution's id; `cairn job describe JOB` lists them.",
                };
            if (!Rendering.TryWriteStructured(Console.Out, parse.GetValue(output), ToNode(d, ApiJsonContext.Default.DealView)))
            {
                Console.WriteLine($"deal          {d.ID}");
                Console.WriteLine($"status        {d.Status.ToString().ToLowerInvariant()}");
                Console.WriteLine($"client        {d.Client}");
                Console.WriteLine($"provider      {d.Provider} (offer {d.OfferID})");
                Console.WriteLine($"orchestrator  {d.Orchestrator}");
                Console.WriteLine($"job           {d.Job} / {d.Execution}");
                Console.WriteLine($"budget        {d.Budget} ({d.FromSubscription} from subscription {d.Subscription ?? "-"})");
                Console.WriteLine($"collateral    {d.Collateral}");
                Console.WriteLine($"paid          {d.Paid} + protocol fee {d.ProtocolFee}");
                Console.WriteLine($"deadline      {DateTimeOffset.FromUnixTimeMilliseconds(d.Deadline).ToString("u", CultureInfo.InvariantCulture)}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command TransferCommand()
    {
        var to = new Argument<string>("to") { Description = "The receiving account (did:key)." };
        var amount = new Argument<long>("amount") { Description = "How much, in the smallest unit." };
        var api = NodeApi.CreateOption();
        var output = Rendering.CreateOption();
        var command = new Command(
            "transfer",
            "Move funds from your account (the key named by --name) to another: signed here with your key, committed by the node at --api.");
        command.Arguments.Add(to);
        command.Arguments.Add(amount);
        command.Options.Add(AccountCommand.NameOption);
        command.Options.Add(AccountCommand.PassphraseEnvOption);
        command.Options.Add(api);
        command.Options.Add(output);
        command.SetAction(async (parse, ct) =>
        {
            var receiver = DidKey.Parse(parse.GetValue(to)!).Text;
            var value = parse.GetValue(amount);
            if (value <= 0)
            {
                throw new CairnException(ErrorCode.InvalidArgument, $"The amount must be positive, not {value}.");
            }

            var keys = new KeyStore(AccountCommand.ResolveHome(parse));
            using var key = keys.Load(keys.ResolveName(parse.GetValue(AccountCommand.NameOption)), AccountCommand.Passphrase(parse));
            using var client = NodeApi.Connect(parse, api);

            // The key never leaves this machine: the node gets the signed bytes. Its chain id and
            // this account's next nonce come from the node, so the transaction fits its ledger.
            var head = await client.GetLedgerHeadAsync(ct);
            var chain = Cid.Parse(head.Chain ?? throw new CairnException(ErrorCode.ServiceUnavailable, "The node did not say which chain its ledger is."));
            var nonce = (await client.GetBalanceAsync(key.Did.Text, ct)).NextNonce;
            var signed = TransactionCodec.Sign(MarketTransactions.Transfer(key.Did.Text, nonce, receiver, value), chain, key);
            var receipt = await client.SubmitTransactionAsync(TransactionCodec.Encode(signed), ct);
            if (!Rendering.TryWriteStructured(Console.Out, parse.GetValue(output), ToNode(receipt, ApiJsonContext.Default.TxReceiptView)))
            {
                Console.WriteLine($"transferred {value.ToString(CultureInfo.InvariantCulture)} from {key.Did.Text} to {receiver}");
                Console.WriteLine($"tx      {receipt.Tx}");
                Console.WriteLine($"block   {receipt.Block} (height {receipt.Height.ToString(CultureInfo.InvariantCulture)})");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    // balance, history, offers and deal read a node's API or a ledger file (LedgerReader says which).
    private static (Option<string?> Api, Option<OutputFormat> Output) AddSourceOptions(Command command)
    {
        var api = NodeApi.CreateOption();
        api.Description = "Ask the node at this API URL. Without it (and without --file) the home's ledger file is read when there is one, else the node at $CAIRN_API or " + NodeApi.DefaultUrl + ".";
        var output = Rendering.CreateOption();
        command.Options.Add(FileOption);
        command.Options.Add(api);
        command.Options.Add(output);
        return (api, output);
    }

    private static LedgerReader OpenReader(ParseResult parse, Option<string?> api) =>
        LedgerReader.Open(parse, api, parse.GetValue(FileOption) is { Length: > 0 } file ? Path.GetFullPath(file) : null, Path.Combine(AccountCommand.ResolveHome(parse), "ledger", "ledger.db"));

    private static JsonNode ToNode<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) =>
        JsonNode.Parse(JsonSerializer.Serialize(value, type))!;

    private static Command InitCommand()
    {
        var supply = new Option<long>("--supply") { Description = "Initial supply, credited to the treasury.", DefaultValueFactory = _ => 1_000_000_000 };
        var fee = new Option<long>("--fee-bps") { Description = "Protocol fee on settlements, basis points.", DefaultValueFactory = _ => 100 };
        var chain = new Option<string>("--chain") { Description = "Chain name.", DefaultValueFactory = _ => "cairn-local" };
        var command = new Command(
            "init",
            "Create the home's ledger with a genesis block: the key named by --name becomes producer, treasury and orchestrator (a single-node setup).");
        command.Options.Add(FileOption);
        command.Options.Add(AccountCommand.NameOption);
        command.Options.Add(AccountCommand.PassphraseEnvOption);
        command.Options.Add(supply);
        command.Options.Add(fee);
        command.Options.Add(chain);
        command.SetAction(async (parse, ct) =>
        {
            var path = LedgerPath(parse);
            if (File.Exists(path))
            {
                throw new CairnException(ErrorCode.Conflict, $"A ledger exists already at {path}.");
            }

            var keys = new KeyStore(AccountCommand.ResolveHome(parse));
            using var key = keys.Load(keys.ResolveName(parse.GetValue(AccountCommand.NameOption)), AccountCommand.Passphrase(parse));
            var did = key.Did.Text;
            var genesis = new GenesisConfig(
                parse.GetValue(chain) ?? "cairn-local",
                did,
                did,
                [did],
                parse.GetValue(fee),
                2000,
                new Dictionary<string, long>(StringComparer.Ordinal) { [did] = parse.GetValue(supply) },
                DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            await using var ledger = EmbeddedLedger.Open(path, key, genesis);
            var head = await ledger.GetHeadAsync(ct);
            Console.WriteLine($"genesis {head.Block}");
            Console.Error.WriteLine($"Created {path}");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string ResolveAccount(ParseResult parse, string? account)
    {
        if (!string.IsNullOrEmpty(account))
        {
            return DidKey.Parse(account).Text;
        }

        var keys = new KeyStore(AccountCommand.ResolveHome(parse));
        return keys.ReadDid(keys.ResolveName(parse.GetValue(AccountCommand.NameOption)));
    }

    /// <summary>DAG-JSON's conventions: links as {"/": cid}, bytes as {"/": {"bytes": base64}}.</summary>
    private static void WriteDagJson(Utf8JsonWriter w, object? value)
    {
        switch (value)
        {
            case null:
                w.WriteNullValue();
                break;
            case bool b:
                w.WriteBooleanValue(b);
                break;
            case long l:
                w.WriteNumberValue(l);
                break;
            case ulong u:
                w.WriteNumberValue(u);
                break;
            case double d:
                w.WriteNumberValue(d);
                break;
            case string s:
                w.WriteStringValue(s);
                break;
            case byte[] bytes:
                w.WriteStartObject();
                w.WriteStartObject("/");
                w.WriteString("bytes", Convert.ToBase64String(bytes).TrimEnd('='));
                w.WriteEndObject();
                w.WriteEndObject();
                break;
            case Cid cid:
                w.WriteStartObject();
                w.WriteString("/", cid.ToString());
                w.WriteEndObject();
                break;
            case IReadOnlyDictionary<string, object?> map:
                w.WriteStartObject();
                foreach (var (k, v) in map)
                {
                    w.WritePropertyName(k);
                    WriteDagJson(w, v);
                }

                w.WriteEndObject();
                break;
            case IEnumerable<object?> list:
                w.WriteStartArray();
                foreach (var item in list)
                {
                    WriteDagJson(w, item);
                }

                w.WriteEndArray();
                break;
            default:
                w.WriteStringValue(value.ToString());
                break;
        }
    }
}
