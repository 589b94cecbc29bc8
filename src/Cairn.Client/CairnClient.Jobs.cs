using System.Globalization;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Cairn.ApiModels;
using Cairn.Jobs;

namespace Cairn.Client;

public sealed partial class CairnClient
{
    private const string JobsPath = "api/v1/orchestrator/jobs";

    /// <summary>Submits a job spec (YAML or JSON text); spec errors come back as a <see cref="Jobs.Specs.JobSpecException"/> with their lines and columns.</summary>
    /// <param name="spec">The spec's text.</param>
    /// <param name="client">The paying client's <c>did:key</c>, set on the job's <c>Payment.Client</c>.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public async Task<PutJobResponse> SubmitJobAsync(string spec, string? client = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        using var request = new HttpRequestMessage(HttpMethod.Put, JobsPath)
        {
            Content = JsonContent(new PutJobRequest { Spec = spec, Client = client }, ApiJsonContext.Default.PutJobRequest),
        };
        return await SendJsonAsync(request, ApiJsonContext.Default.PutJobResponse, cancellationToken);
    }

    /// <summary>Submits a Bacalhau-shaped job object as Bacalhau's client does (<c>{"Job": {...}}</c>).</summary>
    public async Task<PutJobResponse> SubmitBacalhauJobAsync(JsonElement job, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, JobsPath)
        {
            Content = JsonContent(new PutJobRequest { Job = job }, ApiJsonContext.Default.PutJobRequest),
        };
        return await SendJsonAsync(request, ApiJsonContext.Default.PutJobResponse, cancellationToken);
    }

    /// <summary>Lists jobs, newest first, one page at a time.</summary>
    public Task<ListResponse<JobView>> ListJobsAsync(JobListQuery? query = null, CancellationToken cancellationToken = default)
    {
        var q = new QueryBuilder();
        q.Add("state", query?.State?.ToString());
        q.Add("label", query?.Label);
        q.Add("limit", query?.Limit?.ToString(CultureInfo.InvariantCulture));
        q.Add("next_token", query?.NextToken);
        return GetJsonAsync(JobsPath + q, ApiJsonContext.Default.ListResponseJobView, cancellationToken);
    }

    /// <summary>The job, its executions and their deals.</summary>
    public Task<GetJobResponse> GetJobAsync(string jobId, CancellationToken cancellationToken = default) =>
        GetJsonAsync($"{JobsPath}/{Escape(jobId)}", ApiJsonContext.Default.GetJobResponse, cancellationToken);

    /// <summary>Stops a job.</summary>
    public async Task<StopJobResponse> StopJobAsync(string jobId, string? reason = null, CancellationToken cancellationToken = default)
    {
        var q = new QueryBuilder();
        q.Add("reason", reason);
        using var request = new HttpRequestMessage(HttpMethod.Delete, $"{JobsPath}/{Escape(jobId)}{q}");
        return await SendJsonAsync(request, ApiJsonContext.Default.StopJobResponse, cancellationToken);
    }

    /// <summary>The job's audit history.</summary>
    public Task<ListResponse<HistoryEntryView>> GetJobHistoryAsync(string jobId, CancellationToken cancellationToken = default) =>
        GetJsonAsync($"{JobsPath}/{Escape(jobId)}/history", ApiJsonContext.Default.ListResponseHistoryEntryView, cancellationToken);

    /// <summary>The job's executions.</summary>
    public Task<ListResponse<ExecutionView>> GetJobExecutionsAsync(string jobId, CancellationToken cancellationToken = default) =>
        GetJsonAsync($"{JobsPath}/{Escape(jobId)}/executions", ApiJsonContext.Default.ListResponseExecutionView, cancellationToken);

    /// <summary>What the job's executions produced.</summary>
    public Task<ListResponse<ExecutionResultView>> GetJobResultsAsync(string jobId, CancellationToken cancellationToken = default) =>
        GetJsonAsync($"{JobsPath}/{Escape(jobId)}/results", ApiJsonContext.Default.ListResponseExecutionResultView, cancellationToken);

    /// <summary>The job's captured stdout and stderr as text (one execution's when <paramref name="executionId"/> is set).</summary>
    public async Task<string> GetJobLogsAsync(string jobId, string? executionId = null, CancellationToken cancellationToken = default)
    {
        var q = new QueryBuilder();
        q.Add("execution", executionId);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{JobsPath}/{Escape(jobId)}/logs{q}");
        using var response = await SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        return await response.Content.ReadAsStringAsync(cancellationToken);
    }

    /// <summary>
    /// Streams the job's logs over a WebSocket: each frame as the node sends it, until the node
    /// closes the stream (with <paramref name="follow"/>, when the executions end).
    /// </summary>
    public async IAsyncEnumerable<LogFrame> FollowLogsAsync(string jobId, string? executionId = null, bool follow = true, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var q = new QueryBuilder();
        q.Add("execution", executionId);
        q.Add("follow", follow ? "true" : "false");
        var uri = new UriBuilder(new Uri(BaseAddress, $"{JobsPath}/{Escape(jobId)}/logs{q}"));
        uri.Scheme = uri.Scheme == Uri.UriSchemeHttps ? "wss" : "ws";
        using var socket = new ClientWebSocket();
        try
        {
            await socket.ConnectAsync(uri.Uri, cancellationToken);
        }
        catch (WebSocketException e) when (e.WebSocketErrorCode == WebSocketError.NotAWebSocket)
        {
            // The node refused the upgrade: ask plainly to get its problem details.
            await GetJobLogsAsync(jobId, executionId, cancellationToken);
            throw new CairnException(ErrorCode.Unsupported, $"The node at {BaseAddress} does not stream logs over WebSocket.", e);
        }
        catch (WebSocketException e)
        {
            throw Unreachable(e);
        }

        var buffer = new byte[16 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                if (socket.CloseStatus is { } status && status != WebSocketCloseStatus.NormalClosure)
                {
                    throw new CairnException(ErrorCode.Internal, $"The log stream ended with an error: {socket.CloseStatusDescription}");
                }

                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cancellationToken);
                yield break;
            }

            message.Write(buffer, 0, result.Count);
            if (!result.EndOfMessage)
            {
                continue;
            }

            var frame = JsonSerializer.Deserialize(message.GetBuffer().AsSpan(0, (int)message.Length), ApiJsonContext.Default.LogFrame)
                ?? throw new CairnException(ErrorCode.Internal, "The node sent an empty log frame.");
            message.SetLength(0);
            yield return frame;
        }
    }

    /// <summary>
    /// Waits until the job is Completed, Failed or Stopped, reporting each change to
    /// <paramref name="progress"/>; polls every <paramref name="pollInterval"/> (default 200 ms).
    /// </summary>
    public async Task<GetJobResponse> WaitForJobAsync(string jobId, IProgress<JobProgress>? progress = null, TimeSpan? pollInterval = null, CancellationToken cancellationToken = default)
    {
        var interval = pollInterval ?? TimeSpan.FromMilliseconds(200);
        var started = _time.GetTimestamp();
        string? last = null;
        while (true)
        {
            var job = await GetJobAsync(jobId, cancellationToken);
            var signature = job.Job.Revision.ToString(CultureInfo.InvariantCulture) + ":" + string.Join(',', job.Executions.Select(e => e.ID + "=" + e.State));
            if (signature != last)
            {
                last = signature;
                progress?.Report(new JobProgress(job, _time.GetElapsedTime(started)));
            }

            if (JobStateMachine.IsTerminal(job.Job.State))
            {
                return job;
            }

            await Task.Delay(interval, _time, cancellationToken);
        }
    }

    /// <summary>Query strings with escaped values; empty when no value is set.</summary>
    private sealed class QueryBuilder
    {
        private readonly StringBuilder _text = new();

        public void Add(string name, string? value)
        {
            if (value is null)
            {
                return;
            }

            _text.Append(_text.Length == 0 ? '?' : '&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
        }

        public override string ToString() => _text.ToString();
    }
}
