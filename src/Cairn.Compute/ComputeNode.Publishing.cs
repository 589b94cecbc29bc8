using Cairn.Compute.Receipts;
using Cairn.Content.Storage;
using Cairn.Content.UnixFs;
using Cairn.Jobs;
using Cairn.Jobs.Compute;
using Cairn.Jobs.Execution;
using Cairn.Ledger.Chain;
using Cairn.Market;
using Cairn.Multiformats;

namespace Cairn.Compute;

public sealed partial class ComputeNode
{
    private static readonly int SingleChunkBytes = new ImportOptions().ChunkSize;

    private async Task<RunResult> PublishAsync(
        Run run,
        BidAcceptedRequest request,
        JobTask task,
        IExecutor executor,
        PreparedTask prepared,
        ExecutorResult outcome,
        DateTimeOffset startedAt,
        DateTimeOffset finishedAt,
        CancellationToken cancellationToken)
    {
        // Like `cairn add`: CIDv1, raw leaves, 256 KiB chunks; hidden files are the task's output too.
        var importer = new UnixFsImporter(_repo.Blocks, new ImportOptions { IncludeHidden = true });
        var id = run.Id;
        var outputs = new List<ReceiptOutput>();
        foreach (var output in prepared.Outputs)
        {
            var entry = await importer.ImportPathAsync(output.HostPath, recursive: true, null, null, cancellationToken).ConfigureAwait(false);
            outputs.Add(new ReceiptOutput(output.Name, entry.Cid));
        }

        var stdout = await PublishLogAsync(importer, run.Stdout!, cancellationToken).ConfigureAwait(false);
        var stderr = await PublishLogAsync(importer, run.Stderr!, cancellationToken).ConfigureAwait(false);
        var receipt = new Receipt
        {
            Job = request.Job.Id.ToString(),
            Execution = id.ToString(),
            Node = _nodeKey.Did.Text,
            Engine = executor.Engine,
            Module = prepared.Artifacts.Count > 0 ? prepared.Artifacts[0].Cid : null,
            Inputs = [.. prepared.Inputs.Select(i => new ReceiptInput(i.Target, i.Cid))],
            Outputs = outputs,
            Stdout = stdout,
            Stderr = stderr,
            ExitCode = outcome.ExitCode,
            Error = outcome.Error,
            Usage = outcome.Usage,
            Deal = request.Deal?.DealId,
            StartedAt = startedAt.ToUnixTimeMilliseconds(),
            FinishedAt = finishedAt.ToUnixTimeMilliseconds(),
        };
        var bytes = ReceiptCodec.Encode(receipt, _nodeKey, out var signed);
        await _repo.Blocks.PutAsync(signed.Cid, bytes, cancellationToken).ConfigureAwait(false);
        // One recursive pin on the receipt keeps everything it links to (module, inputs, outputs, logs)
        // from garbage collection. A pin is a durable write (block flush + SQLite commit, ~8 ms here):
        // one per execution instead of one per output, stdout and stderr.
        await _repo.Pins.AddAsync(signed.Cid, PinMode.Recursive, $"{id}/receipt", cancellationToken).ConfigureAwait(false);

        SignedUsageReport? usageReport = null;
        if (request.Deal is { } deal)
        {
            IReadOnlyList<Cid> results = [signed.Cid, .. outputs.Select(o => o.Cid)];
            var signature = UsageReports.Sign(_nodeKey, deal.DealId, outcome.Usage, results);
            usageReport = new SignedUsageReport(deal.DealId, outcome.Usage, [.. results.Select(c => c.ToString())], Convert.ToBase64String(signature));
        }

        return new RunResult
        {
            ExitCode = outcome.ExitCode,
            Error = outcome.Error,
            Outputs = outputs.ToDictionary(o => o.Name, o => o.Cid.ToString(), StringComparer.Ordinal),
            StdoutCid = stdout.ToString(),
            StderrCid = stderr.ToString(),
            ReceiptCid = signed.Cid.ToString(),
            Inputs = prepared.Origins,
            Usage = outcome.Usage,
            UsageReport = usageReport,
        };
    }

    private async Task<Cid> PublishLogAsync(UnixFsImporter importer, LogFile log, CancellationToken cancellationToken)
    {
        if (log.Length <= SingleChunkBytes)
        {
            // A file of one chunk imports (CIDv1, raw leaves) as a single raw block: store that block
            // directly, the same CID for a fraction of the importer's cost on the common small log.
            var bytes = await File.ReadAllBytesAsync(log.Path, cancellationToken).ConfigureAwait(false);
            if (bytes.Length <= SingleChunkBytes)
            {
                var cid = Cid.Compute(1, Multicodec.Raw, bytes);
                if (!await _repo.Blocks.HasAsync(cid, cancellationToken).ConfigureAwait(false))
                {
                    await _repo.Blocks.PutAsync(cid, bytes, cancellationToken).ConfigureAwait(false);
                }

                return cid;
            }
        }

        var stream = new FileStream(log.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        await using (stream.ConfigureAwait(false))
        {
            var entry = await importer.ImportFileAsync(stream, null, null, cancellationToken).ConfigureAwait(false);
            return entry.Cid;
        }
    }
}
