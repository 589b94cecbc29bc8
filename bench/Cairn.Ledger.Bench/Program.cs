using System.Diagnostics;
using System.Security.Cryptography;
using Cairn.Ledger;
using Cairn.Ledger.Chain;
using Cairn.Ledger.Identity;
using Cairn.Ledger.State;
using Cairn.Market;

// Ledger throughput, measured against the raw P-256 verification rate of this machine in the
// same run (the floor under both numbers: every appended or replayed transaction is verified once).
//   dotnet run -c Release --project bench/Cairn.Ledger.Bench -- [--txs N] [--accounts N]
if (StringArg("--replay") is { } replayPath)
{
    // Replay-verify an existing ledger file only (e.g. one kept with --keep), against the raw
    // verify rate of its own signatures measured around it: quick to repeat while tuning.
    if (args.Contains("--phases"))
    {
        // Twice: the first pass runs partly unoptimized (tier-0) code.
        Console.WriteLine("phases, first pass (JIT warming up):");
        Phases(replayPath);
        Console.WriteLine("phases, second pass:");
        Phases(replayPath);
    }

    ReplayOnly(replayPath, Arg("--rounds", 3));
    return;
}

var txCount = Arg("--txs", 60_000);
var accountCount = Arg("--accounts", 2_000);
var cores = Environment.ProcessorCount;
Console.WriteLine($"cairn ledger bench: {txCount} transfers among {accountCount} accounts, {cores} cores, {RuntimeInformationText()}");

using var producer = LedgerKey.Generate();
using var treasury = LedgerKey.Generate();
var accounts = Enumerable.Range(0, accountCount).Select(_ => LedgerKey.Generate()).ToArray();
var allocations = accounts.ToDictionary(a => a.Did.Text, _ => 1_000_000_000L, StringComparer.Ordinal);
var genesis = new GenesisConfig("bench", producer.Did.Text, treasury.Did.Text, [], 0, 0, allocations, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());

// The chain id every transaction names is the genesis block's CID, so the ledger is created first.
var dir = Path.Combine(Path.GetTempPath(), "cairn-ledger-bench-" + Guid.NewGuid().ToString("N"));
Directory.CreateDirectory(dir);
var path = Path.Combine(dir, "ledger.db");
Cairn.Multiformats.Cid chain;
await using (var created = EmbeddedLedger.Open(path, producer, genesis))
{
    chain = created.Chain;
}

// Pre-sign: clients sign, not the ledger, so signing is outside every measured section.
var sw = Stopwatch.StartNew();
var nonces = new long[accountCount];
var txs = new SignedTransaction[txCount];
var senders = new int[txCount];
for (var i = 0; i < txCount; i++)
{
    senders[i] = i % accountCount;
}

Parallel.For(0, accountCount, a =>
{
    for (var i = a; i < txCount; i += accountCount)
    {
        var to = accounts[(a + 1 + (i / accountCount)) % accountCount].Did.Text;
        var body = new TransactionBody(TxTypes.Transfer, accounts[a].Did.Text, nonces[a]++, new Dictionary<string, object?>(StringComparer.Ordinal) { ["to"] = to, ["amount"] = 1L + (i % 100) });
        txs[i] = TransactionCodec.Sign(body, chain, accounts[a]);
    }
});
Console.WriteLine($"signed {txCount} transactions in {sw.Elapsed.TotalSeconds:F1} s (setup, not measured)");

// Baseline: raw ES256 verification of the same transactions' signatures, 1 thread and all cores.
var signing = txs.Select(t => TransactionCodec.SigningBytes(t.Body)).ToArray();
var pubKeys = accounts.Select(a =>
{
    var did = DidKey.Parse(a.Did.Text);
    return ECDsa.Create(P256.PublicParameters(did.X, did.Y));
}).ToArray();
var sample = Math.Min(txCount, 20_000);
sw.Restart();
for (var i = 0; i < sample; i++)
{
    if (!pubKeys[senders[i]].VerifyData(signing[i], txs[i].Signature.Span, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation))
    {
        throw new InvalidOperationException("baseline verify failed");
    }
}

var rawOne = sample / sw.Elapsed.TotalSeconds;
// All cores: each worker gets its own imported keys (imported before timing) and a share of the sample.
var workerKeys = Enumerable.Range(0, cores).Select(_ => accounts.Select(a =>
{
    var did = DidKey.Parse(a.Did.Text);
    return ECDsa.Create(P256.PublicParameters(did.X, did.Y));
}).ToArray()).ToArray();
double RawAll()
{
    var watch = Stopwatch.StartNew();
    Parallel.For(0, cores, new ParallelOptions { MaxDegreeOfParallelism = cores }, w =>
    {
        for (var i = w; i < sample; i += cores)
        {
            if (!workerKeys[w][senders[i]].VerifyData(signing[i], txs[i].Signature.Span, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation))
            {
                throw new InvalidOperationException("baseline verify failed");
            }
        }
    });
    return sample / watch.Elapsed.TotalSeconds;
}

var rawAll = RawAll();
Console.WriteLine($"raw P-256 verify through .NET ECDsa:        {rawOne,10:N0} /s on 1 thread, {rawAll,10:N0} /s on {cores} cores");

// The path the ledger takes where libcrypto loads (SignatureVerifier): ECDSA_do_verify on kept keys,
// SHA-256 of the signed bytes included. Its CPU time per verification is the floor under replay's.
var digests = signing.Take(sample).Select(b => SHA256.HashData(b)).ToArray();
var nativeKeys = Enumerable.Range(0, cores).Select(_ => accounts.Select(a =>
{
    var did = DidKey.Parse(a.Did.Text);
    return OpenSslP256.ImportPublicKey(did.X, did.Y);
}).ToArray()).ToArray();
var native = OpenSslP256.IsAvailable;
double NativeAll()
{
    var watch = Stopwatch.StartNew();
    Parallel.For(0, cores, new ParallelOptions { MaxDegreeOfParallelism = cores }, w =>
    {
        Span<byte> digest = stackalloc byte[32];
        for (var i = w; i < sample; i += cores)
        {
            SHA256.HashData(signing[i], digest);
            if (!OpenSslP256.VerifyDigest(nativeKeys[w][senders[i]]!, digest, txs[i].Signature.Span))
            {
                throw new InvalidOperationException("baseline verify failed");
            }
        }
    });
    return sample / watch.Elapsed.TotalSeconds;
}

double nativeOne = 0, nativeAll = 0, nativeCpu = 0;
if (native)
{
    var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
    sw.Restart();
    Span<byte> digest = stackalloc byte[32];
    for (var i = 0; i < sample; i++)
    {
        SHA256.HashData(signing[i], digest);
        if (!OpenSslP256.VerifyDigest(nativeKeys[0][senders[i]]!, digest, txs[i].Signature.Span))
        {
            throw new InvalidOperationException("baseline verify failed");
        }
    }

    nativeOne = sample / sw.Elapsed.TotalSeconds;
    nativeCpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalMicroseconds / sample;
    nativeAll = NativeAll();
    Console.WriteLine($"raw P-256 verify through libcrypto direct: {nativeOne,10:N0} /s on 1 thread, {nativeAll,10:N0} /s on {cores} cores; {nativeCpu:F1} µs CPU each");
}

try
{
    // Append: everything submitted at once, in flight together, as a busy node would see it.
    double appendRate;
    await using (var ledger = EmbeddedLedger.Open(path, producer))
    {
        // One submitter per core, each owning a share of the senders so every account's nonces
        // arrive in order; signatures are checked on the submitting threads, as with concurrent
        // API requests, while the block builder applies rules and writes blocks.
        sw.Restart();
        await Task.WhenAll(Enumerable.Range(0, cores).Select(worker => Task.Run(async () =>
        {
            const int InFlight = 4096;
            var pending = new List<Task<TxReceipt>>(InFlight);
            for (var i = 0; i < txCount; i++)
            {
                if (senders[i] % cores != worker)
                {
                    continue;
                }

                pending.Add(ledger.SubmitAsync(txs[i], CancellationToken.None).AsTask());
                if (pending.Count == InFlight)
                {
                    await Task.WhenAll(pending);
                    pending.Clear();
                }
            }

            await Task.WhenAll(pending);
        })));
        appendRate = txCount / sw.Elapsed.TotalSeconds;
        var head = await ledger.GetHeadAsync(CancellationToken.None);
        Console.WriteLine($"append (verify + rules + durable SQLite block): {appendRate,10:N0} tx/s  ({head.Height} blocks, {new FileInfo(path).Length / 1024 / 1024} MiB + WAL)");
    }

    // Replay-verify: everything from genesis, as `cairn ledger verify` does. The all-core baseline
    // is measured again just before and after, since other load on the machine drifts.
    var rawBefore = native ? NativeAll() : RawAll();
    var importsBefore = SignatureVerifier.Imports;
    var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
    sw.Restart();
    var report = EmbeddedLedger.Verify(path, CancellationToken.None);
    var verifyRate = report.Transactions / sw.Elapsed.TotalSeconds;
    var verifyCpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMicroseconds / report.Transactions;
    if (!report.Ok || report.Transactions != txCount)
    {
        throw new InvalidOperationException($"verify failed: {report.Reason}");
    }

    Console.WriteLine($"  public keys imported during replay: {SignatureVerifier.Imports - importsBefore} (accounts: {accountCount})");
    var rawAfter = native ? NativeAll() : RawAll();
    var rawAround = (rawBefore + rawAfter) / 2;
    var baseline = native ? "libcrypto" : "ECDsa";
    Console.WriteLine($"replay-verify (hashes, signatures, rules, state roots): {verifyRate,10:N0} tx/s  (raw {baseline} verify on {cores} cores around it: {rawBefore:N0} and {rawAfter:N0} /s)");
    Console.WriteLine($"  CPU time per replayed transaction: {verifyCpu:F1} µs" + (native ? $" against {nativeCpu:F1} µs per raw libcrypto verify: at most {cores * 1e6 / verifyCpu:N0} tx/s on {cores} idle cores" : string.Empty));

    if (args.Contains("--phases"))
    {
        Phases(path);
    }

    // The same replay without signatures (what opening a ledger does): the cost of everything else.
    sw.Restart();
    await EmbeddedLedger.Open(path, producer).DisposeAsync();

    var openRate = txCount / sw.Elapsed.TotalSeconds;
    Console.WriteLine($"replay without signatures (open):                      {openRate,10:N0} tx/s");
    Console.WriteLine();
    Console.WriteLine($"ratio append / raw ECDsa verify 1 thread : {appendRate / rawOne:F2}");
    Console.WriteLine($"ratio replay / raw ECDsa verify 1 thread : {verifyRate / rawOne:F2}");
    Console.WriteLine($"ratio replay / raw ECDsa verify {cores} cores: {verifyRate / rawAll:F2}");
    Console.WriteLine($"ratio replay / raw {baseline} verify {cores} cores: {verifyRate / rawAround:F2}  (baseline measured around the replay)");
    if (native)
    {
        Console.WriteLine($"ratio raw libcrypto / raw ECDsa, 1 thread : {nativeOne / rawOne:F2}");
        Console.WriteLine($"ratio CPU per replayed tx / per raw libcrypto verify: {verifyCpu / nativeCpu:F2}");
    }
    Console.WriteLine($"bar: append >= 5,000 tx/s: {(appendRate >= 5000 ? "met" : "NOT met")}; replay-verify >= 20,000 tx/s: {(verifyRate >= 20000 ? "met" : "NOT met")}");
}
finally
{
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    if (StringArg("--keep") is { } keep)
    {
        File.Copy(path, keep, overwrite: true);
        Console.WriteLine($"kept the ledger as {keep} (replay it alone with --replay {keep})");
    }

    Directory.Delete(dir, recursive: true);
    foreach (var k in pubKeys.Concat(workerKeys.SelectMany(w => w)))
    {
        k.Dispose();
    }

    foreach (var k in nativeKeys.SelectMany(w => w))
    {
        k?.Dispose();
    }

    foreach (var a in accounts)
    {
        a.Dispose();
    }
}

// Cost of each replay phase in CPU time (single-threaded except the state root's leaf hashing),
// to see where the non-signature time goes.
static void Phases(string path)
{
    using var store = Cairn.Ledger.Storage.LedgerStore.Open(path, readOnly: true);
    // CPU time, not wall time: on a shared machine it still says what each phase costs.
    static double Cpu() => Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
    var t = Cpu();
    var rows = store.Transactions().ToList();
    var blocks = store.Blocks().ToList();
    Console.WriteLine($"  phase read rows:        {rows.Count / (Cpu() - t),12:N0} tx per CPU-second");
    t = Cpu();
    foreach (var r in rows)
    {
        TransactionCodec.IdOf(r.Data);
    }

    Console.WriteLine($"  phase CID hash:         {rows.Count / (Cpu() - t),12:N0} tx per CPU-second");
    t = Cpu();
    var decoded = rows.Select(r => TransactionCodec.Decode(r.Data, out _)).ToList();
    Console.WriteLine($"  phase decode:           {rows.Count / (Cpu() - t),12:N0} tx per CPU-second");
    var verifySample = Math.Min(rows.Count, 5000);
    var signingBytes = rows.Take(verifySample).Select(r =>
    {
        TransactionCodec.Decode(r.Data, out var b);
        return b;
    }).ToList();
    // Import every signer's key first, as the ECDsa loop below does outside its timing.
    for (var i = 0; i < verifySample; i++)
    {
        SignatureVerifier.Verify(decoded[i].Body.From, signingBytes[i], decoded[i].Signature.Span);
    }

    t = Cpu();
    for (var i = 0; i < verifySample; i++)
    {
        SignatureVerifier.Verify(decoded[i].Body.From, signingBytes[i], decoded[i].Signature.Span);
    }

    Console.WriteLine($"  phase verify ({(SignatureVerifier.UsesNativeOpenSsl ? "libcrypto" : "ECDsa")}):  {verifySample / (Cpu() - t),12:N0} tx per CPU-second");
    var managed = decoded.Take(verifySample).Select(d => d.Body.From).Distinct().ToDictionary(f => f, f =>
    {
        var did = DidKey.Parse(f);
        return ECDsa.Create(P256.PublicParameters(did.X, did.Y));
    });
    t = Cpu();
    for (var i = 0; i < verifySample; i++)
    {
        managed[decoded[i].Body.From].VerifyData(signingBytes[i], decoded[i].Signature.Span, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    Console.WriteLine($"  phase verify (ECDsa):   {verifySample / (Cpu() - t),12:N0} tx per CPU-second");
    t = Cpu();
    var blockObjs = blocks.Select(b => BlockCodec.Decode(b.Data)).ToList();
    Console.WriteLine($"  phase block decode:     {rows.Count / (Cpu() - t),12:N0} tx per CPU-second");
    var state = new MarketState(blockObjs[0].Genesis!, BlockCodec.IdOf(blocks[0].Data));
    var commitment = new StateCommitment();
    commitment.Update(state, state.TakeDirty());
    double apply = 0, root = 0;
    var k = 0;
    foreach (var b in blockObjs.Skip(1))
    {
        t = Cpu();
        for (var i = 0; i < b.Txs.Count; i++)
        {
            MarketRules.Apply(state, decoded[k++].Body, b.Time);
        }

        apply += (Cpu() - t);
        t = Cpu();
        commitment.Update(state, state.TakeDirty());
        root += (Cpu() - t);
    }

    Console.WriteLine($"  phase apply:            {rows.Count / apply,12:N0} tx per CPU-second");
    Console.WriteLine($"  phase state root:       {rows.Count / root,12:N0} tx per CPU-second");
}

// Replay-verify of an existing file, between two all-core raw verify measurements over its own
// transactions; reports wall rate, the ratio and the CPU time per transaction.
static void ReplayOnly(string path, int rounds)
{
    var cores = Environment.ProcessorCount;
    List<(byte[] Digest, byte[] Sig)> sample = [];
    var senders = new List<int>();
    var keyOf = new Dictionary<string, int>(StringComparer.Ordinal);
    var keyList = new List<(byte[] X, byte[] Y)>();
    using (var store = Cairn.Ledger.Storage.LedgerStore.Open(path, readOnly: true))
    {
        foreach (var row in store.Transactions().Take(20_000))
        {
            var tx = TransactionCodec.Decode(row.Data, out var signing);
            if (!keyOf.TryGetValue(tx.Body.From, out var k))
            {
                var did = DidKey.Parse(tx.Body.From);
                k = keyOf[tx.Body.From] = keyList.Count;
                keyList.Add((did.X, did.Y));
            }

            sample.Add((SHA256.HashData(signing), tx.Signature.ToArray()));
            senders.Add(k);
        }
    }

    // The baseline is the verification path the ledger itself takes (libcrypto direct where it loads).
    var native = OpenSslP256.IsAvailable;
    var workerKeys = Enumerable.Range(0, cores).Select(_ => keyList.Select(k => ECDsa.Create(P256.PublicParameters(k.X, k.Y))).ToArray()).ToArray();
    var nativeKeys = Enumerable.Range(0, cores).Select(_ => keyList.Select(k => OpenSslP256.ImportPublicKey(k.X, k.Y)).ToArray()).ToArray();
    bool RawVerify(int worker, int i) => native
        ? OpenSslP256.VerifyDigest(nativeKeys[worker][senders[i]]!, sample[i].Digest, sample[i].Sig)
        : workerKeys[worker][senders[i]].VerifyHash(sample[i].Digest, sample[i].Sig, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    double RawAll()
    {
        var watch = Stopwatch.StartNew();
        Parallel.For(0, cores, new ParallelOptions { MaxDegreeOfParallelism = cores }, w =>
        {
            for (var i = w; i < sample.Count; i += cores)
            {
                if (!RawVerify(w, i))
                {
                    throw new InvalidOperationException("baseline verify failed");
                }
            }
        });
        return sample.Count / watch.Elapsed.TotalSeconds;
    }

    double RawCpu()
    {
        var before = Process.GetCurrentProcess().TotalProcessorTime;
        for (var i = 0; i < Math.Min(5000, sample.Count); i++)
        {
            RawVerify(0, i);
        }

        return (Process.GetCurrentProcess().TotalProcessorTime - before).TotalMicroseconds / Math.Min(5000, sample.Count);
    }

    Console.WriteLine($"replay-verify of {path}, {cores} cores, baseline: raw verify through {(native ? "libcrypto direct" : ".NET ECDsa")}");
    EmbeddedLedger.Verify(path, CancellationToken.None); // warm-up (JIT, key pool, page cache)
    for (var r = 0; r < rounds; r++)
    {
        var rawCpu = RawCpu();
        var before = RawAll();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        var report = EmbeddedLedger.Verify(path, CancellationToken.None);
        var rate = report.Transactions / watch.Elapsed.TotalSeconds;
        var cpuPerTx = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / report.Transactions;
        var after = RawAll();
        if (!report.Ok)
        {
            throw new InvalidOperationException($"verify failed: {report.Reason}");
        }

        Console.WriteLine($"round {r + 1}: replay-verify {rate,8:N0} tx/s, raw verify on {cores} cores {before:N0} / {after:N0} /s, ratio {rate / ((before + after) / 2):F2}; CPU {cpuPerTx:F1} µs/tx vs {rawCpu:F1} µs per raw verify (ratio {cpuPerTx / rawCpu:F2})");
    }
}

string? StringArg(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

int Arg(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
}

static string RuntimeInformationText() => System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription;
