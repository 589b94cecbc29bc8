using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cairn.ApiModels;
using Cairn.Jobs;
using Cairn.Jobs.Specs;
using Cairn.Market;
using Cairn.Orchestrator;
using Cairn.Orchestrator.Specs;
using Cairn.Orchestrator.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Cairn.Api.Endpoints;

/// <summary><c>/api/v1/orchestrator/jobs...</c>: submit, list, describe, stop, history, executions, results, logs.</summary>
internal static class JobEndpoints
{
    // Fields of Bacalhau's wire Job that its server fills in; a Bacalhau client sends them zeroed.
    private static readonly string[] ServerManagedFields = ["ID", "State", "Version", "Revision", "CreateTime", "ModifyTime"];

    // Label filters are applied after the store's query: look at no more than this many jobs.
    private const int MaxScannedJobs = 10_000;

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        var jobs = endpoints.MapGroup(ApiRoutes.V1 + "/orchestrator/jobs").WithTags("Jobs");
        jobs.MapPut("/", (Delegate)SubmitAsync)
            .Accepts<PutJobRequest>("application/json")
            .Produces<PutJobResponse>()
            .ProducesCairnProblem(StatusCodes.Status400BadRequest)
            .WithSummary("Submit a job: Bacalhau's {Job} or Cairn's {Spec: YAML/JSON text}");
        jobs.MapGet("/", ListAsync).Produces<ListResponse<JobView>>().WithSummary("List jobs, newest first");
        jobs.MapGet("/{id}", GetAsync).Produces<GetJobResponse>().ProducesCairnProblem(StatusCodes.Status404NotFound).WithSummary("Describe a job");
        jobs.MapDelete("/{id}", StopAsync).Produces<StopJobResponse>().ProducesCairnProblem(StatusCodes.Status409Conflict).WithSummary("Stop a job");
        jobs.MapGet("/{id}/history", HistoryAsync).Produces<ListResponse<HistoryEntryView>>().WithSummary("A job's audit history");
        jobs.MapGet("/{id}/executions", ExecutionsAsync).Produces<ListResponse<ExecutionView>>().WithSummary("A job's executions");
        jobs.MapGet("/{id}/results", ResultsAsync).Produces<ListResponse<ExecutionResultView>>().WithSummary("What a job's executions produced");
        jobs.MapGet("/{id}/logs", LogEndpoint.HandleAsync)
            .Produces<string>(StatusCodes.Status200OK, "text/plain")
            .WithSummary("A job's stdout/stderr: a WebSocket of {Execution, Stream, Data} frames on upgrade, else the captured text");
    }

    private static async Task<IResult> SubmitAsync(HttpContext context)
    {
        var request = await BodyReader.ReadJsonAsync(context, ApiJsonContext.Default.PutJobRequest);
        var warnings = new List<string>();
        string text;
        if (request.Spec is not null && request.Job is { ValueKind: not JsonValueKind.Null })
        {
            throw new CairnException(ErrorCode.InvalidArgument, "The request has both Job and Spec.") { Hint = "Send one: Job (a JSON job object) or Spec (the spec's YAML or JSON text)." };
        }
        else if (request.Spec is not null)
        {
            text = request.Spec;
        }
        else if (request.Job is { ValueKind: JsonValueKind.Object } job)
        {
            text = BacalhauJobText(job, warnings);
        }
        else
        {
            throw new CairnException(ErrorCode.InvalidArgument, request.Job is { ValueKind: not JsonValueKind.Null } ? "Job must be a JSON object." : "The request has neither Job nor Spec.")
            {
                Hint = "Send {\"Spec\": \"<YAML or JSON text>\"} or Bacalhau's {\"Job\": {...}}.",
            };
        }

        var orchestrator = ApiServices.Require<JobOrchestrator>(context, "orchestrator");
        var validator = context.RequestServices.GetService<JobSpecValidator>();
        JobRecord record;
        if (validator is null && request.Client is not { Length: > 0 })
        {
            // The orchestrator parses and validates with its own validator, locating every error.
            record = await orchestrator.SubmitSpecAsync(text, "api", context.RequestAborted);
        }
        else
        {
            // Without a validator in DI, validation (in SubmitAsync) still runs but cannot locate errors.
            var parsed = validator is null ? JobSpecParser.Parse(text).Job : JobSpecParser.ParseAndValidate(text, validator);
            if (request.Client is { Length: > 0 } client)
            {
                // A spec has no Payment.Client: who pays is the submitter's identity, not part of the job.
                parsed = parsed with { Payment = (parsed.Payment ?? new Payment()) with { Client = client } };
            }

            record = await orchestrator.SubmitAsync(parsed, "api", context.RequestAborted);
        }

        var store = ApiServices.Require<IJobStore>(context, "job store");
        var evaluations = await store.GetEvaluationsAsync(record.Job.Id, context.RequestAborted);
        return Results.Json(
            new PutJobResponse { JobID = record.Job.Id.Value, EvaluationID = evaluations.Count > 0 ? evaluations[0].Id.Value : null, Warnings = warnings },
            ApiJsonContext.Default.PutJobResponse);
    }

    // The job object's own text keeps the client's line and column in spec errors (relative to
    // the object). It is rewritten only when it carries what Bacalhau's Go client sends but a spec
    // does not have: the server-managed fields, and nulls (Go writes a nil slice or map as null).
    private static string BacalhauJobText(JsonElement job, List<string> warnings)
    {
        var present = ServerManagedFields.Where(f => job.EnumerateObject().Any(p => string.Equals(p.Name, f, StringComparison.OrdinalIgnoreCase))).ToList();
        if (present.Count == 0 && !HasNull(job))
        {
            return job.GetRawText();
        }

        var node = JsonNode.Parse(job.GetRawText())!.AsObject();
        foreach (var property in node.Select(p => p.Key).Where(k => present.Contains(k, StringComparer.OrdinalIgnoreCase)).ToList())
        {
            if (string.Equals(property, "ID", StringComparison.OrdinalIgnoreCase) && node[property] is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0)
            {
                warnings.Add($"Job.ID '{s}' was ignored: the orchestrator names jobs.");
            }

            node.Remove(property);
        }

        RemoveNulls(node);
        return node.ToJsonString();
    }

    private static bool HasNull(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Null => true,
        JsonValueKind.Object => element.EnumerateObject().Any(p => HasNull(p.Value)),
        JsonValueKind.Array => element.EnumerateArray().Any(HasNull),
        _ => false,
    };

    private static void RemoveNulls(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var key in o.Where(p => p.Value is null).Select(p => p.Key).ToList())
                {
                    o.Remove(key);
                }

                foreach (var (_, value) in o)
                {
                    RemoveNulls(value);
                }

                break;
            case JsonArray a:
                foreach (var item in a)
                {
                    RemoveNulls(item);
                }

                break;
        }
    }

    private static async Task<IResult> ListAsync(HttpContext context, string? state, string? label, int? limit, string? next_token)
    {
        var options = context.RequestServices.GetRequiredService<IOptions<CairnApiOptions>>().Value;
        JobState? wanted = null;
        if (state is { Length: > 0 })
        {
            wanted = Enum.TryParse<JobState>(state, ignoreCase: true, out var s) && Enum.IsDefined(s)
                ? s
                : throw new CairnException(ErrorCode.InvalidArgument, $"'{state}' is not a job state.") { Hint = "Use one of: " + string.Join(", ", Enum.GetNames<JobState>()) + "." };
        }

        var pageSize = limit ?? 100;
        if (pageSize < 1 || pageSize > options.MaxPageSize)
        {
            throw new CairnException(ErrorCode.InvalidArgument, $"limit must be between 1 and {options.MaxPageSize}, got {pageSize}.");
        }

        var offset = 0;
        if (next_token is { Length: > 0 } && (!int.TryParse(next_token, NumberStyles.None, CultureInfo.InvariantCulture, out offset) || offset < 0))
        {
            throw new CairnException(ErrorCode.InvalidArgument, $"'{next_token}' is not a page token.") { Hint = "Pass the NextToken of the previous page unchanged." };
        }

        var filters = LabelFilter.Parse(label);
        var store = ApiServices.Require<IJobStore>(context, "job store");
        var scan = filters.Count == 0 ? Math.Min(MaxScannedJobs, offset + pageSize + 1) : MaxScannedJobs;
        var records = await store.ListJobsAsync(wanted, scan, context.RequestAborted);
        var matching = records.Where(r => filters.All(f => f.Matches(r.Job.Labels))).Skip(offset).Take(pageSize + 1).ToList();
        var hasMore = matching.Count > pageSize;
        return Results.Json(
            new ListResponse<JobView>
            {
                Items = matching.Take(pageSize).Select(JobView.From).ToList(),
                NextToken = hasMore ? (offset + pageSize).ToString(CultureInfo.InvariantCulture) : null,
            },
            ApiJsonContext.Default.ListResponseJobView);
    }

    private static async Task<IResult> GetAsync(HttpContext context, string id)
    {
        var (store, record) = await LoadAsync(context, id);
        var executions = await store.GetExecutionsAsync(record.Job.Id, context.RequestAborted);
        var deals = new List<DealView>();
        if (context.RequestServices.GetService<ILedger>() is { } ledger)
        {
            foreach (var dealId in executions.Select(e => e.DealId ?? e.Result?.UsageReport?.DealId).OfType<string>().Distinct(StringComparer.Ordinal))
            {
                if (await ledger.GetDealAsync(dealId, context.RequestAborted) is { } deal)
                {
                    deals.Add(DealView.From(deal));
                }
            }
        }

        return Results.Json(
            new GetJobResponse { Job = JobView.From(record), Executions = executions.Select(ExecutionView.From).ToList(), Deals = deals },
            ApiJsonContext.Default.GetJobResponse);
    }

    private static async Task<IResult> StopAsync(HttpContext context, string id, string? reason)
    {
        var jobId = ParseJobId(id);
        var orchestrator = ApiServices.Require<JobOrchestrator>(context, "orchestrator");
        var record = await orchestrator.StopJobAsync(jobId, reason, "api", context.RequestAborted);
        return Results.Json(new StopJobResponse { JobID = record.Job.Id.Value, State = record.State, Message = record.StateMessage }, ApiJsonContext.Default.StopJobResponse);
    }

    private static async Task<IResult> HistoryAsync(HttpContext context, string id)
    {
        var (store, record) = await LoadAsync(context, id);
        var history = await store.GetHistoryAsync(record.Job.Id, context.RequestAborted);
        return Results.Json(new ListResponse<HistoryEntryView> { Items = history.Select(HistoryEntryView.From).ToList() }, ApiJsonContext.Default.ListResponseHistoryEntryView);
    }

    private static async Task<IResult> ExecutionsAsync(HttpContext context, string id)
    {
        var (store, record) = await LoadAsync(context, id);
        var executions = await store.GetExecutionsAsync(record.Job.Id, context.RequestAborted);
        return Results.Json(new ListResponse<ExecutionView> { Items = executions.Select(ExecutionView.From).ToList() }, ApiJsonContext.Default.ListResponseExecutionView);
    }

    private static async Task<IResult> ResultsAsync(HttpContext context, string id)
    {
        var (store, record) = await LoadAsync(context, id);
        var options = context.RequestServices.GetRequiredService<IOptions<CairnApiOptions>>().Value;
        var blocks = ApiServices.TryBlocks(context);
        var results = new List<ExecutionResultView>();
        foreach (var execution in await store.GetExecutionsAsync(record.Job.Id, context.RequestAborted))
        {
            if (execution.Result is not { } result)
            {
                continue;
            }

            results.Add(new ExecutionResultView
            {
                ExecutionID = execution.Id.Value,
                NodeID = execution.NodeId.Value,
                State = execution.State,
                ExitCode = result.ExitCode,
                Error = result.Error,
                Outputs = result.Outputs,
                StdoutCID = result.StdoutCid,
                StderrCID = result.StderrCid,
                ReceiptCID = result.ReceiptCid,
                Stdout = blocks is null ? null : await StoredText.TryReadAsync(blocks, result.StdoutCid, options.MaxInlineLogBytes, context.RequestAborted),
                Stderr = blocks is null ? null : await StoredText.TryReadAsync(blocks, result.StderrCid, options.MaxInlineLogBytes, context.RequestAborted),
            });
        }

        return Results.Json(new ListResponse<ExecutionResultView> { Items = results }, ApiJsonContext.Default.ListResponseExecutionResultView);
    }

    internal static async Task<(IJobStore Store, JobRecord Record)> LoadAsync(HttpContext context, string id)
    {
        var jobId = ParseJobId(id);
        var store = ApiServices.Require<IJobStore>(context, "job store");
        var record = await store.GetJobAsync(jobId, context.RequestAborted)
            ?? throw new CairnException(ErrorCode.NotFound, $"Job {jobId} does not exist.") { Hint = "List jobs with `cairn job list`." };
        return (store, record);
    }

    private static JobId ParseJobId(string id) =>
        JobId.TryParse(id, out var jobId)
            ? jobId
            : throw new CairnException(ErrorCode.InvalidArgument, $"'{id}' is not a job id.") { Hint = "A job id looks like j-0b5c3c1e-....; list them with `cairn job list`." };

    /// <summary>A <c>label=k=v,k2</c> filter: each term is <c>key=value</c> or just <c>key</c> (present).</summary>
    private sealed record LabelFilter(string Key, string? Value)
    {
        public static List<LabelFilter> Parse(string? text) =>
            string.IsNullOrWhiteSpace(text)
                ? []
                : text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(term =>
                {
                    var eq = term.IndexOf('=', StringComparison.Ordinal);
                    return eq < 0 ? new LabelFilter(term, null) : new LabelFilter(term[..eq], term[(eq + 1)..]);
                }).ToList();

        public bool Matches(IReadOnlyDictionary<string, string> labels) =>
            labels.TryGetValue(Key, out var v) && (Value is null || string.Equals(v, Value, StringComparison.Ordinal));
    }
}
