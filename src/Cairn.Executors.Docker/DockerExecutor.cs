using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Cairn.Jobs;
using Cairn.Jobs.Execution;
using Cairn.Jobs.Specs;
using Cairn.Market;

namespace Cairn.Executors.Docker;

/// <summary>
/// The <c>docker</c> engine: runs a task's container through the Docker Engine API (Docker, or Podman's
/// compatible service) on a unix socket. Inputs are bind-mounted read-only at their targets, result paths
/// writable, the network is off unless the task asks for it, memory and CPU are limited from the task's
/// resources, the execution timeout kills the container, and CPU time and the memory peak are metered
/// for billing. The container is always removed, also when the run fails, times out or is cancelled.
/// </summary>
public sealed class DockerExecutor : IExecutor, IDisposable
{
    /// <summary>The engine name.</summary>
    public const string EngineName = DockerEngineParams.EngineType;

    /// <summary>The label every container this executor creates carries (value: the execution id).</summary>
    public const string ExecutionLabel = "io.cairn.execution";

    // Docker refuses memory limits under 6 MiB; say so in our words rather than the runtime's.
    private const long MinMemoryBytes = 6L << 20;
    private static readonly TimeSpan CleanupTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan LogDrainTimeout = TimeSpan.FromSeconds(30);

    private readonly DockerApiClient _client;
    private readonly bool _ownsClient;
    private readonly TimeProvider _time;

    /// <summary>Creates the executor over <paramref name="client"/> (not disposed with the executor).</summary>
    public DockerExecutor(DockerApiClient client, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _time = time ?? TimeProvider.System;
    }

    private DockerExecutor(DockerApiClient client, bool ownsClient, TimeProvider? time)
        : this(client, time) => _ownsClient = ownsClient;

    /// <inheritdoc />
    public string Engine => EngineName;

    /// <summary>The runtime's socket.</summary>
    public string SocketPath => _client.SocketPath;

    /// <summary>
    /// An executor on the runtime at <paramref name="dockerHost"/> (see <see cref="DockerHost.Resolve"/>) when it
    /// answers <c>GET /_ping</c> within <paramref name="timeout"/>; null when there is no runtime there.
    /// </summary>
    public static async Task<DockerExecutor?> ConnectAsync(string? dockerHost, TimeSpan timeout, TimeProvider? time, CancellationToken cancellationToken)
    {
        var client = new DockerApiClient(DockerHost.Resolve(dockerHost));
        if (await client.PingAsync(timeout, cancellationToken).ConfigureAwait(false))
        {
            return new DockerExecutor(client, ownsClient: true, time);
        }

        client.Dispose();
        return null;
    }

    /// <inheritdoc />
    public IReadOnlyList<InputSource> GetArtifacts(JobTask task)
    {
        ArgumentNullException.ThrowIfNull(task);
        // Validate before the node prepares any input: a bad spec fails at once, naming the field.
        DockerEngineParams.FromSpec(task.Engine);
        NetworkModeOf(task);
        return [];
    }

    /// <inheritdoc />
    public async Task<ExecutorResult> RunAsync(ExecutorRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        var parameters = DockerEngineParams.FromSpec(request.Task.Engine);
        var body = CreateBody(request, parameters);
        var name = "cairn-" + request.ExecutionId.ToString().Replace(':', '-');
        string? id;
        try
        {
            id = await _client.CreateContainerAsync(name, body, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The runtime may have created it before the cancel reached it: remove it by name.
            using var cleanup = new CancellationTokenSource(CleanupTimeout, _time);
            await _client.RemoveContainerAsync(name, cleanup.Token).ConfigureAwait(false);
            throw;
        }

        if (id is null)
        {
            throw MissingImage(parameters.Image);
        }

        try
        {
            return await RunContainerAsync(id, request, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // Always remove it, also after a cancel: with a token of its own, bounded.
            using var cleanup = new CancellationTokenSource(CleanupTimeout, _time);
            await _client.RemoveContainerAsync(id, cleanup.Token).ConfigureAwait(false);
        }
    }

    /// <summary>Disposes the API client when this executor made it (<see cref="ConnectAsync"/>).</summary>
    public void Dispose()
    {
        if (_ownsClient)
        {
            _client.Dispose();
        }
    }

    private async Task<ExecutorResult> RunContainerAsync(string id, ExecutorRequest request, CancellationToken cancellationToken)
    {
        var timeout = request.Limits.Timeout is { } t && t > TimeSpan.Zero ? t : Timeout.InfiniteTimeSpan;
        var started = Stopwatch.GetTimestamp();
        try
        {
            await _client.StartContainerAsync(id, cancellationToken).ConfigureAwait(false);
        }
        catch (CairnException e) when (!cancellationToken.IsCancellationRequested)
        {
            // The runtime could not start the process (no such executable, a bad mount): the task fails, as
            // `docker run` exits 126 when it cannot invoke the command.
            return new ExecutorResult { ExitCode = 126, Error = $"the container could not start: {e.Message}" };
        }

        using var timeoutCts = new CancellationTokenSource(timeout, _time);
        using var runCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutCts.Token);
        using var samplingCts = new CancellationTokenSource();
        var sampler = new ContainerUsageSampler(_client, id);
        var pid = (await _client.InspectContainerAsync(id, cancellationToken).ConfigureAwait(false))["State"]?["Pid"]?.GetValue<int>() ?? 0;
        var sampling = sampler.RunAsync(pid, _time, samplingCts.Token);
        var progress = new LogProgress();
        var logs = _client.CopyLogsAsync(id, request.Stdout, request.Stderr, follow: true, progress, runCts.Token);
        var stopped = false;
        TimeSpan wallTime;
        try
        {
            await _client.WaitContainerAsync(id, runCts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (runCts.IsCancellationRequested)
        {
            stopped = true;
            using var kill = new CancellationTokenSource(CleanupTimeout, _time);
            await _client.KillContainerAsync(id, kill.Token).ConfigureAwait(false);
        }
        finally
        {
            wallTime = Stopwatch.GetElapsedTime(started);
            await samplingCts.CancelAsync().ConfigureAwait(false);
            await sampling.ConfigureAwait(false);
        }

        if (stopped)
        {
            // Cancelled or timed out: what was streamed until the kill stays in the logs.
            await DrainAsync(logs).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }
        else
        {
            // The log stream ends when the container does; it holds the last of the output. Bounded, so a
            // runtime that keeps the stream open cannot hold the execution forever.
            try
            {
                await logs.WaitAsync(LogDrainTimeout, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                await runCts.CancelAsync().ConfigureAwait(false);
                await DrainAsync(logs).ConfigureAwait(false);
            }
            catch (CairnException e) when (e.Code == ErrorCode.IoError)
            {
                // The follow broke off inside a frame: the read below delivers the rest.
            }
        }

        // A follow can end a moment before the runtime has stored the container's last output (seen with
        // Podman 4.3 under load): read the whole log once more and write only what the follow missed.
        using (var catchUp = new CancellationTokenSource(CleanupTimeout, _time))
        {
            await _client.CopyLogsAsync(id, request.Stdout, request.Stderr, follow: false, progress, catchUp.Token).ConfigureAwait(false);
        }

        using var inspectCts = new CancellationTokenSource(CleanupTimeout, _time);
        var state = (await _client.InspectContainerAsync(id, inspectCts.Token).ConfigureAwait(false))["State"];
        var exitCode = state?["ExitCode"]?.GetValue<int>() ?? -1;
        var oomKilled = state?["OOMKilled"]?.GetValue<bool>() ?? false;
        string? error = null;
        if (stopped)
        {
            error = $"execution timeout of {timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)}s exceeded";
            // Killed by SIGKILL, as `docker run` reports it (the runtime may not have recorded it yet).
            exitCode = exitCode == 0 ? 137 : exitCode;
        }
        else if (oomKilled)
        {
            error = $"out of memory: the container was killed at its limit of {MemoryLimit(request)} bytes";
        }

        var peak = sampler.PeakMemoryBytes;
        return new ExecutorResult
        {
            ExitCode = exitCode,
            Error = error,
            Usage = UsageOf(sampler.CpuNanos, peak, wallTime),
            PeakMemoryBytes = peak,
            WallTime = wallTime,
        };
    }

    private static async Task DrainAsync(Task logs)
    {
        try
        {
            await logs.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped with the container.
        }
        catch (CairnException)
        {
            // The stream broke as the container was killed.
        }
    }

    private static Usage UsageOf(long cpuNanos, long peakMemoryBytes, TimeSpan wallTime)
    {
        var cpuMillis = (cpuNanos + 999_999) / 1_000_000;
        var wallMillis = (long)Math.Ceiling(wallTime.TotalMilliseconds);
        // GB-milliseconds of the peak memory held for the whole run (an upper bound, as the wasm executor bills).
        var gbMillis = (long)Math.Ceiling((double)peakMemoryBytes * wallMillis / (1L << 30));
        return new Usage(0, cpuMillis, gbMillis);
    }

    private static CairnException MissingImage(string image) => new(ErrorCode.NotFound, $"Engine.Params.Image: the image \"{image}\" is not in this node's container runtime.")
    {
        Hint = $"This executor does not pull images: pull it on the node first (podman pull {image}, or docker pull {image}).",
    };

    private static long? MemoryLimit(ExecutorRequest request) =>
        request.Limits.MemoryBytes is > 0 and var limit ? limit
        : request.Task.Resources.MemoryBytes > 0 ? request.Task.Resources.MemoryBytes : null;

    private static long? CpuLimit(ExecutorRequest request) =>
        request.Limits.CpuMillis is > 0 and var limit ? limit
        : request.Task.Resources.CpuMillis > 0 ? request.Task.Resources.CpuMillis : null;

    private static string NetworkModeOf(JobTask task) => task.Network.Type switch
    {
        NetworkMode.None => "none",
        NetworkMode.Host => "host",
        NetworkMode.Full => "bridge",
        _ => throw new CairnException(ErrorCode.Unsupported, $"Network.Type: the docker executor does not run {task.Network.Type} networking (an HTTP allow-list of domains).")
        {
            Hint = "Use Network.Type: Full for outbound access, or None.",
        },
    };

    internal static JsonObject CreateBody(ExecutorRequest request, DockerEngineParams parameters)
    {
        var env = new JsonArray();
        // The engine's variables, then the task's Env (which wins: the runtime keeps the last of a name).
        foreach (var variable in parameters.EnvironmentVariables)
        {
            env.Add(variable);
        }

        foreach (var (key, value) in request.Task.Env.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            env.Add($"{key}={value}");
        }

        var mounts = new JsonArray();
        var targets = new HashSet<string>(StringComparer.Ordinal);
        void Mount(string source, string target, bool readOnly, string what)
        {
            if (!target.StartsWith('/'))
            {
                throw new CairnException(ErrorCode.InvalidInput, $"{what}: the path inside the container must be absolute, got \"{target}\".");
            }

            var normalized = target.Length > 1 ? target.TrimEnd('/') : target;
            if (!targets.Add(normalized))
            {
                throw new CairnException(ErrorCode.InvalidInput, $"{what} is mounted at {normalized}, where another input or result path already is.")
                {
                    Hint = "Give every input and result path its own Target/Path.",
                };
            }

            // Mounts (not Binds): a host path holding ':' or ',' cannot be misread.
            mounts.Add(new JsonObject { ["Type"] = "bind", ["Source"] = source, ["Target"] = normalized, ["ReadOnly"] = readOnly });
        }

        foreach (var input in request.Inputs)
        {
            Mount(input.HostPath, input.Target, readOnly: true, $"input {input.Alias ?? input.Target}");
        }

        foreach (var output in request.Outputs)
        {
            Directory.CreateDirectory(output.HostPath);
            Mount(output.HostPath, output.Path, readOnly: false, $"result path {output.Name}");
        }

        var hostConfig = new JsonObject
        {
            ["NetworkMode"] = NetworkModeOf(request.Task),
            ["Mounts"] = mounts,
            ["AutoRemove"] = false,
        };
        if (MemoryLimit(request) is { } memory)
        {
            if (memory < MinMemoryBytes)
            {
                throw new CairnException(ErrorCode.InvalidInput, $"Resources.Memory: {memory} bytes is below the least a container can run with ({MinMemoryBytes} bytes).")
                {
                    Hint = "Ask for at least 6Mb.",
                };
            }

            hostConfig["Memory"] = memory;
            // No swap beyond the limit: the memory limit is the limit.
            hostConfig["MemorySwap"] = memory;
        }

        if (CpuLimit(request) is { } cpu)
        {
            hostConfig["NanoCpus"] = cpu * 1_000_000;
        }

        var body = new JsonObject
        {
            ["Image"] = parameters.Image,
            ["Env"] = env,
            ["AttachStdin"] = false,
            ["AttachStdout"] = false,
            ["AttachStderr"] = false,
            ["Tty"] = false,
            ["OpenStdin"] = false,
            ["Labels"] = new JsonObject
            {
                [ExecutionLabel] = request.ExecutionId.ToString(),
                ["io.cairn.job"] = request.Job.Id.ToString(),
            },
            ["HostConfig"] = hostConfig,
        };
        if (parameters.Entrypoint.Count > 0)
        {
            body["Entrypoint"] = new JsonArray([.. parameters.Entrypoint.Select(e => (JsonNode?)e)]);
        }

        if (parameters.Parameters.Count > 0)
        {
            body["Cmd"] = new JsonArray([.. parameters.Parameters.Select(p => (JsonNode?)p)]);
        }

        if (parameters.WorkingDirectory is { } workdir)
        {
            body["WorkingDir"] = workdir;
        }

        return body;
    }
}
