using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cairn.ApiModels;
using Cairn.Cli.Output;
using Cairn.Client;
using Cairn.Content.Storage;
using Cairn.Content.UnixFs;
using Cairn.Jobs;
using Cairn.Multiformats;

namespace Cairn.Cli.Commands;

/// <summary><c>cairn job ...</c>: submit, watch and inspect jobs on a node, through <see cref="CairnClient"/> only.</summary>
internal static class JobCommand
{
    public static Command Create()
    {
        var command = new Command(
            "job",
            """
            Submit and inspect jobs on a node (found at --api, $CAIRN_API, or http://127.0.0.1:4780; start one with `cairn serve`).

            Exit codes of `run --wait` and `wait`: 0 completed, 20 failed, 21 stopped, 22 failed on a timeout, 23 still running when --timeout passed.
            """);
        command.Subcommands.Add(RunCommand());
        command.Subcommands.Add(ListCommand());
        command.Subcommands.Add(DescribeCommand());
        command.Subcommands.Add(WaitCommand());
        command.Subcommands.Add(LogsCommand());
        command.Subcommands.Add(HistoryCommand());
        command.Subcommands.Add(ExecutionsCommand());
        command.Subcommands.Add(StopCommand());
        command.Subcommands.Add(GetCommand());
        return command;
    }

    /// <summary>Submits spec text and, with <paramref name="wait"/>, waits for the end showing progress on stderr; returns the exit code.</summary>
    internal static async Task<int> SubmitAndWaitAsync(CairnClient client, string spec, bool wait, bool follow, TimeSpan? timeout, OutputFormat format, CancellationToken cancellationToken)
    {
        var submitted = await client.SubmitJobAsync(spec, null, cancellationToken);
        foreach (var warning in submitted.Warnings)
        {
            Console.Error.WriteLine("Warning: " + warning);
        }

        if (!wait && !follow)
        {
            if (!Rendering.TryWriteStructured(Console.Out, format, new JsonObject { ["jobID"] = submitted.JobID, ["evaluationID"] = submitted.EvaluationID }))
            {
                Console.WriteLine(submitted.JobID);
            }

            return ExitCodes.Ok;
        }

        Console.Error.WriteLine($"Job {submitted.JobID} submitted.");
        var final = await WaitAsync(client, submitted.JobID, follow, timeout, cancellationToken);
        await PrintOutcomeAsync(client, final, format, cancellationToken);
        return NodeApi.ExitCodeFor(final.Job.State, final.Job.StateMessage);
    }

    /// <summary>Waits for a job to end, printing each state change of the job and its executions (and, with <paramref name="follow"/>, its output) as it happens.</summary>
    internal static async Task<GetJobResponse> WaitAsync(CairnClient client, string jobId, bool follow, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (timeout is { } t)
        {
            limit.CancelAfter(t);
        }

        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        var started = DateTimeOffset.UtcNow;
        Task? logs = null;
        using var logStop = CancellationTokenSource.CreateLinkedTokenSource(limit.Token);
        try
        {
            while (true)
            {
                var job = await client.GetJobAsync(jobId, limit.Token);
                Report(seen, "job", job.Job.State.ToString(), job.Job.StateMessage, started);
                foreach (var e in job.Executions)
                {
                    Report(seen, "execution " + e.ID, e.State.ToString(), e.StateMessage, started);
                }

                if (follow && logs is null && job.Executions.Count > 0)
                {
                    logs = FollowLogsAsync(client, jobId, logStop.Token);
                }

                if (JobStateMachine.IsTerminal(job.Job.State))
                {
                    if (logs is not null)
                    {
                        // The stream ends with the execution; give it a moment to deliver its tail.
                        await Task.WhenAny(logs, Task.Delay(TimeSpan.FromSeconds(2), limit.Token));
                    }

                    return job;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(50), limit.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CairnException(ErrorCode.Timeout, $"Job {jobId} did not finish within {timeout}; it goes on.") { Hint = $"Wait again with `cairn job wait {jobId}`, or stop it with `cairn job stop {jobId}`." };
        }
        finally
        {
            await logStop.CancelAsync();
            if (logs is not null)
            {
                try
                {
                    await logs;
                }
                catch (OperationCanceledException)
                {
                }
            }
        }
    }

    private static void Report(Dictionary<string, string> seen, string what, string state, string? message, DateTimeOffset started)
    {
        if (seen.TryGetValue(what, out var previous) && previous == state)
        {
            return;
        }

        seen[what] = state;
        var elapsed = (DateTimeOffset.UtcNow - started).TotalSeconds.ToString("F2", CultureInfo.InvariantCulture);
        Console.Error.WriteLine($"  [{elapsed,6}s] {what,-50} {state}{(message is null ? string.Empty : "  (" + message + ")")}");
    }

    private static async Task FollowLogsAsync(CairnClient client, string jobId, CancellationToken cancellationToken)
    {
        using var stdout = Console.OpenStandardOutput();
        using var stderr = Console.OpenStandardError();
        await foreach (var frame in client.FollowLogsAsync(jobId, null, true, cancellationToken))
        {
            var bytes = Encoding.UTF8.GetBytes(frame.Data);
            var target = frame.Stream == "stderr" ? stderr : stdout;
            await target.WriteAsync(bytes, cancellationToken);
            await target.FlushAsync(cancellationToken);
        }
    }

    private static async Task PrintOutcomeAsync(CairnClient client, GetJobResponse job, OutputFormat format, CancellationToken cancellationToken)
    {
        var results = await client.GetJobResultsAsync(job.Job.ID, cancellationToken);
        if (Rendering.TryWriteStructured(Console.Out, format, DescribeNode(job, results.Items)))
        {
            return;
        }

        Console.WriteLine($"Job {job.Job.ID} {job.Job.State}{(job.Job.StateMessage is null ? string.Empty : ": " + job.Job.StateMessage)}");
        var last = results.Items.LastOrDefault(r => r.State == ExecutionState.Completed) ?? (results.Items.Count > 0 ? results.Items[^1] : null);
        if (last?.Stdout is { Length: > 0 } text)
        {
            Console.WriteLine("--- stdout");
            Console.Write(text.EndsWith('\n') ? text : text + "\n");
        }

        if (last?.Stderr is { Length: > 0 } err)
        {
            Console.WriteLine("--- stderr");
            Console.Write(err.EndsWith('\n') ? err : err + "\n");
        }

        Console.WriteLine($"Trail (deal, receipt, outputs, settlement): cairn job describe {job.Job.ID}");
    }

    internal static void PrintTrail(GetJobResponse job, IReadOnlyList<ExecutionResultView> results)
    {
        Console.WriteLine($"job          {job.Job.ID}  {job.Job.Name}  {job.Job.Type}  {job.Job.State}");
        foreach (var e in job.Executions)
        {
            var result = results.FirstOrDefault(r => r.ExecutionID == e.ID);
            var deal = job.Deals.FirstOrDefault(d => d.Execution == e.ID || d.ID == e.DealID);
            Console.WriteLine($"execution    {e.ID}  attempt {e.Attempt}  {e.State}{(e.StateMessage is null ? string.Empty : "  (" + e.StateMessage + ")")}");
            Console.WriteLine($"  node       {e.NodeID}");
            if (e.DealID is not null || deal is not null)
            {
                var terms = deal is null ? string.Empty : $"  budget {deal.Budget:N0}, price {deal.Prices.PerMegaFuel} per million fuel";
                Console.WriteLine($"  deal       {e.DealID ?? deal!.ID}{terms}");
                if (e.DealTxCID is not null)
                {
                    Console.WriteLine($"    opened   tx {e.DealTxCID}");
                }
            }

            if (result?.ReceiptCID is not null)
            {
                Console.WriteLine($"  receipt    {result.ReceiptCID}");
            }

            foreach (var input in e.Inputs ?? [])
            {
                // Where each input came from: the local store, peers (and the bytes moved), a url.
                var from = input.From.Count == 0 ? input.Source : $"{input.Source} {string.Join(", ", input.From)}";
                var moved = input.BytesMoved == 0 ? string.Empty : $"  {input.BytesMoved:N0} bytes" + (input.BlocksFetched == 0 ? string.Empty : $" in {input.BlocksFetched:N0} blocks");
                Console.WriteLine($"  input      {input.Target} {input.Cid}  from {from}{moved}");
            }

            if (result is not null)
            {
                foreach (var (name, cid) in result.Outputs)
                {
                    Console.WriteLine($"  output     {name} {cid}");
                }

                if (result.StdoutCID is not null)
                {
                    Console.WriteLine($"  stdout     {result.StdoutCID}");
                }

                if (result.ExitCode != 0 || result.Error is not null)
                {
                    Console.WriteLine($"  exit       {result.ExitCode}{(result.Error is null ? string.Empty : "  " + result.Error)}");
                }
            }

            if (e.Usage is { } usage)
            {
                Console.WriteLine($"  usage      {usage.Fuel:N0} fuel");
            }

            var status = e.DealStatus ?? deal?.Status;
            if (status is not null and not Market.DealStatus.Open)
            {
                var fee = deal?.ProtocolFee ?? 0;
                Console.WriteLine($"  settlement {status}: provider paid {e.Paid ?? deal?.Paid ?? 0:N0}, protocol fee {fee:N0}, client refunded {e.Refunded ?? 0:N0}");
                if (e.SettlementTxCID is not null)
                {
                    Console.WriteLine($"    closed   tx {e.SettlementTxCID}");
                }
            }
        }
    }

    private static JsonObject DescribeNode(GetJobResponse job, IReadOnlyList<ExecutionResultView> results)
    {
        var node = JsonNode.Parse(JsonSerializer.Serialize(job, ApiJsonContext.Default.GetJobResponse))!.AsObject();
        node["Results"] = JsonNode.Parse(JsonSerializer.Serialize(new ListResponse<ExecutionResultView> { Items = results }, ApiJsonContext.Default.ListResponseExecutionResultView))!["Items"]!.DeepClone();
        return node;
    }

    private static Command RunCommand()
    {
        var spec = new Argument<string>("spec") { Description = "The job spec (YAML or JSON, Bacalhau's format), or - for stdin." };
        var wait = new Option<bool>("--wait") { Description = "Wait for the job to end, showing progress; the exit code tells how it ended." };
        var follow = new Option<bool>("--follow", "-f") { Description = "Wait and stream the job's output as it runs." };
        var timeout = new Option<double?>("--timeout") { Description = "With --wait: give up waiting after this many seconds (the job goes on)." };
        var api = NodeApi.CreateOption();
        var output = Rendering.CreateOption();
        var command = new Command("run", "Submit a job spec; with --wait, wait for it and print its result and trail.") { spec, wait, follow, timeout, api, output };
        command.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(spec)!;
            var text = path == "-" ? await Console.In.ReadToEndAsync(ct) : await ReadSpecAsync(path, ct);
            using var client = NodeApi.Connect(parse, api);
            return await SubmitAndWaitAsync(client, text, parse.GetValue(wait), parse.GetValue(follow), Seconds(parse.GetValue(timeout)), parse.GetValue(output), ct);
        });
        return command;
    }

    private static async Task<string> ReadSpecAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            throw new CairnException(ErrorCode.NotFound, $"No spec file at {path}.") { Hint = "Give the path of a YAML or JSON job spec, or - to read it from stdin." };
        }

        return await File.ReadAllTextAsync(path, cancellationToken);
    }

    private static TimeSpan? Seconds(double? seconds) => seconds is > 0 ? TimeSpan.FromSeconds(seconds.Value) : null;

    private static Command WaitCommand()
    {
        var id = new Argument<string>("id") { Description = "The job id." };
        var follow = new Option<bool>("--follow", "-f") { Description = "Stream the job's output while waiting." };
        var timeout = new Option<double?>("--timeout") { Description = "Give up waiting after this many seconds." };
        var api = NodeApi.CreateOption();
        var output = Rendering.CreateOption();
        var command = new Command("wait", "Wait for a job to end; the exit code tells how it ended.") { id, follow, timeout, api, output };
        command.SetAction(async (parse, ct) =>
        {
            using var client = NodeApi.Connect(parse, api);
            var final = await WaitAsync(client, parse.GetValue(id)!, parse.GetValue(follow), Seconds(parse.GetValue(timeout)), ct);
            await PrintOutcomeAsync(client, final, parse.GetValue(output), ct);
            return NodeApi.ExitCodeFor(final.Job.State, final.Job.StateMessage);
        });
        return command;
    }

    private static Command ListCommand()
    {
        var state = new Option<JobState?>("--state") { Description = "Only jobs in this state." };
        var limit = new Option<int>("--limit") { Description = "At most this many jobs.", DefaultValueFactory = _ => 50 };
        var api = NodeApi.CreateOption();
        var output = Rendering.CreateOption();
        var command = new Command("list", "List jobs, newest first.") { state, limit, api, output };
        command.SetAction(async (parse, ct) =>
        {
            using var client = NodeApi.Connect(parse, api);
            var jobs = await client.ListJobsAsync(new JobListQuery { State = parse.GetValue(state), Limit = parse.GetValue(limit) }, ct);
            if (Rendering.TryWriteStructured(Console.Out, parse.GetValue(output), ToNode(jobs, ApiJsonContext.Default.ListResponseJobView)))
            {
                return ExitCodes.Ok;
            }

            Console.WriteLine($"{"ID",-40} {"NAME",-24} {"TYPE",-8} {"STATE",-10} CREATED");
            foreach (var j in jobs.Items)
            {
                Console.WriteLine($"{j.ID,-40} {Truncate(j.Name, 24),-24} {j.Type,-8} {j.State,-10} {j.CreateTime.ToString("u", CultureInfo.InvariantCulture)}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command DescribeCommand()
    {
        var id = new Argument<string>("id") { Description = "The job id." };
        var api = NodeApi.CreateOption();
        var output = Rendering.CreateOption();
        var command = new Command("describe", "Show a job and its trail: execution → deal → receipt → outputs → settlement.") { id, api, output };
        command.SetAction(async (parse, ct) =>
        {
            using var client = NodeApi.Connect(parse, api);
            var job = await client.GetJobAsync(parse.GetValue(id)!, ct);
            var results = await client.GetJobResultsAsync(job.Job.ID, ct);
            if (Rendering.TryWriteStructured(Console.Out, parse.GetValue(output), DescribeNode(job, results.Items)))
            {
                return ExitCodes.Ok;
            }

            if (job.Job.StateMessage is not null)
            {
                Console.WriteLine($"state      {job.Job.State}: {job.Job.StateMessage}");
            }

            PrintTrail(job, results.Items);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command LogsCommand()
    {
        var id = new Argument<string>("id") { Description = "The job id." };
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep streaming until the execution ends." };
        var api = NodeApi.CreateOption();
        var command = new Command("logs", "Print a job's captured standard output and error.") { id, follow, api };
        command.SetAction(async (parse, ct) =>
        {
            using var client = NodeApi.Connect(parse, api);
            if (parse.GetValue(follow))
            {
                await FollowLogsAsync(client, parse.GetValue(id)!, ct);
            }
            else
            {
                Console.Write(await client.GetJobLogsAsync(parse.GetValue(id)!, null, ct));
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command HistoryCommand()
    {
        var id = new Argument<string>("id") { Description = "The job id." };
        var api = NodeApi.CreateOption();
        var output = Rendering.CreateOption();
        var command = new Command("history", "Every state change of a job and its executions (the audit log).") { id, api, output };
        command.SetAction(async (parse, ct) =>
        {
            using var client = NodeApi.Connect(parse, api);
            var history = await client.GetJobHistoryAsync(parse.GetValue(id)!, ct);
            if (Rendering.TryWriteStructured(Console.Out, parse.GetValue(output), ToNode(history, ApiJsonContext.Default.ListResponseHistoryEntryView)))
            {
                return ExitCodes.Ok;
            }

            foreach (var h in history.Items)
            {
                var subject = h.ExecutionID ?? "job";
                Console.WriteLine($"{h.Time.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture)}  {subject,-40} {h.PreviousState ?? "-",-12} → {h.NewState,-12} {h.Actor,-24} {h.Details}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command ExecutionsCommand()
    {
        var id = new Argument<string>("id") { Description = "The job id." };
        var api = NodeApi.CreateOption();
        var output = Rendering.CreateOption();
        var command = new Command("executions", "A job's executions: node, attempt, state, exit code, receipt.") { id, api, output };
        command.SetAction(async (parse, ct) =>
        {
            using var client = NodeApi.Connect(parse, api);
            var executions = await client.GetJobExecutionsAsync(parse.GetValue(id)!, ct);
            if (Rendering.TryWriteStructured(Console.Out, parse.GetValue(output), ToNode(executions, ApiJsonContext.Default.ListResponseExecutionView)))
            {
                return ExitCodes.Ok;
            }

            Console.WriteLine($"{"ID",-40} {"ATTEMPT",7} {"STATE",-10} {"EXIT",4}  RECEIPT");
            foreach (var e in executions.Items)
            {
                Console.WriteLine($"{e.ID,-40} {e.Attempt,7} {e.State,-10} {e.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "-",4}  {e.ReceiptCID ?? "-"}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command StopCommand()
    {
        var id = new Argument<string>("id") { Description = "The job id." };
        var reason = new Option<string?>("--reason") { Description = "Why (recorded in the job's history)." };
        var api = NodeApi.CreateOption();
        var command = new Command("stop", "Stop a job: its executions are cancelled and their deals refunded.") { id, reason, api };
        command.SetAction(async (parse, ct) =>
        {
            using var client = NodeApi.Connect(parse, api);
            var stopped = await client.StopJobAsync(parse.GetValue(id)!, parse.GetValue(reason), ct);
            Console.WriteLine($"Job {stopped.JobID} {stopped.State}{(stopped.Message is null ? string.Empty : ": " + stopped.Message)}");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command GetCommand()
    {
        var id = new Argument<string>("id") { Description = "The job id." };
        var dir = new Option<string?>("--output-dir", "-o") { Description = "Where to write the results (default: ./job-<id>)." };
        var api = NodeApi.CreateOption();
        var command = new Command(
            "get",
            "Download a completed job's results: each output's DAG comes as a CAR, every block is verified against its CID while it is imported into the local home, then the files are written.")
        {
            id, dir, api,
        };
        command.SetAction(async (parse, ct) =>
        {
            using var client = NodeApi.Connect(parse, api);
            var jobId = parse.GetValue(id)!;
            var target = Path.GetFullPath(parse.GetValue(dir) ?? "job-" + jobId);
            var written = await DownloadResultsAsync(client, jobId, target, parse.GetValue(CliApp.HomeOption), ct);
            foreach (var (name, cid, path) in written)
            {
                Console.WriteLine($"{name,-10} {cid}  {path}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Fetches the outputs, stdout and stderr of a job's completed execution by CAR into the local home (verifying each block) and writes them under <paramref name="target"/>.</summary>
    internal static async Task<List<(string Name, string Cid, string Path)>> DownloadResultsAsync(CairnClient client, string jobId, string target, string? home, CancellationToken cancellationToken)
    {
        var results = await client.GetJobResultsAsync(jobId, cancellationToken);
        var result = results.Items.LastOrDefault(r => r.State == ExecutionState.Completed)
            ?? throw new CairnException(ErrorCode.NotFound, $"Job {jobId} has no completed execution to get results from.") { Hint = $"See how it went with `cairn job describe {jobId}`." };
        var wanted = result.Outputs.Select(o => (o.Key, o.Value)).ToList();
        if (result.StdoutCID is not null)
        {
            wanted.Add(("stdout", result.StdoutCID));
        }

        if (result.StderrCID is not null)
        {
            wanted.Add(("stderr", result.StderrCID));
        }

        Directory.CreateDirectory(target);
        using var repo = ContentRepo.Open(home);
        var exporter = new UnixFsExporter(repo.Blocks);
        var written = new List<(string, string, string)>();
        foreach (var (name, cidText) in wanted)
        {
            var cid = Cid.Parse(cidText);
            await client.ImportCarAsync(cidText, repo, pin: true, cancellationToken);

            var path = Path.Combine(target, SafeName(name));
            await exporter.ExportAsync(cid, path, cancellationToken);
            written.Add((name, cidText, path));
        }

        return written;
    }

    private static string SafeName(string name)
    {
        var safe = string.Concat(name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_'));
        return safe is "" or "." or ".." ? "output" : safe;
    }

    private static JsonNode? ToNode<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> info) => JsonNode.Parse(JsonSerializer.Serialize(value, info));

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";
}
