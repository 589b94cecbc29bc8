using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Cairn.Executors.Docker;

/// <summary>
/// A small client of the Docker Engine REST API (v1.41, which Podman's compatible service implements)
/// over a unix socket: the calls the docker executor needs to run a container and nothing more.
/// </summary>
public sealed class DockerApiClient : IDisposable
{
    /// <summary>The API version every call is made against.</summary>
    public const string ApiVersion = "v1.41";

    private readonly HttpClient _http;

    /// <summary>Creates a client of the runtime listening on <paramref name="socketPath"/>.</summary>
    public DockerApiClient(string socketPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(socketPath);
        SocketPath = socketPath;
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken).ConfigureAwait(false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        };
        // Waits and log streams last as long as the container runs: callers bound them with their tokens.
        _http = new HttpClient(handler) { BaseAddress = new Uri($"http://docker/{ApiVersion}/"), Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>The unix socket this client talks to.</summary>
    public string SocketPath { get; }

    /// <summary>True when the runtime answers <c>GET /_ping</c> with OK within <paramref name="timeout"/>.</summary>
    public async Task<bool> PingAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!File.Exists(SocketPath))
        {
            return false;
        }

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            using var response = await _http.GetAsync(new Uri("http://docker/_ping"), cts.Token).ConfigureAwait(false);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>Releases the connection pool.</summary>
    public void Dispose() => _http.Dispose();

    /// <summary>The image's inspect document, or null when the runtime does not have it.</summary>
    internal async Task<JsonNode?> InspectImageAsync(string image, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, $"images/{Uri.EscapeDataString(image)}/json", null, cancellationToken).ConfigureAwait(false);
        return response.StatusCode == HttpStatusCode.NotFound ? null : await ReadJsonAsync(response, "inspect image " + image, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Creates a container named <paramref name="name"/>; returns its id. Null when the image is missing.</summary>
    internal async Task<string?> CreateContainerAsync(string name, JsonObject body, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Post, $"containers/create?name={Uri.EscapeDataString(name)}", body, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        var created = await ReadJsonAsync(response, "create container", cancellationToken).ConfigureAwait(false);
        return created?["Id"]?.GetValue<string>() ?? throw new CairnException(ErrorCode.ServiceUnavailable, "The container runtime created a container but returned no Id.");
    }

    /// <summary>Starts a created container.</summary>
    internal async Task StartContainerAsync(string id, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Post, $"containers/{id}/start", null, cancellationToken).ConfigureAwait(false);
        // 304: already started.
        if (response.StatusCode != HttpStatusCode.NotModified)
        {
            await EnsureSuccessAsync(response, "start container", cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Copies the container's stdout and stderr from its start, demultiplexed into the two streams: with
    /// <paramref name="follow"/> until the container ends, else what the runtime holds now. Bytes already
    /// counted in <paramref name="progress"/> are not written again.
    /// </summary>
    internal async Task CopyLogsAsync(string id, Stream stdout, Stream stderr, bool follow, LogProgress progress, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"containers/{id}/logs?follow={(follow ? 1 : 0)}&stdout=1&stderr=1");
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, "follow container logs", cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (body.ConfigureAwait(false))
        {
            await DockerStreamDemultiplexer.CopyAsync(body, stdout, stderr, progress, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Waits until the container stops; returns its exit code.</summary>
    internal async Task<long> WaitContainerAsync(string id, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Post, $"containers/{id}/wait", null, cancellationToken).ConfigureAwait(false);
        var result = await ReadJsonAsync(response, "wait for container", cancellationToken).ConfigureAwait(false);
        return result?["StatusCode"]?.GetValue<long>() ?? -1;
    }

    /// <summary>The container's inspect document.</summary>
    internal async Task<JsonNode> InspectContainerAsync(string id, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, $"containers/{id}/json", null, cancellationToken).ConfigureAwait(false);
        return await ReadJsonAsync(response, "inspect container", cancellationToken).ConfigureAwait(false)
            ?? throw new CairnException(ErrorCode.ServiceUnavailable, "The container runtime returned an empty inspect document.");
    }

    /// <summary>One sample of the container's stats, or null when it is not running any more.</summary>
    internal async Task<JsonNode?> StatsAsync(string id, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, $"containers/{id}/stats?stream=false", null, cancellationToken).ConfigureAwait(false);
        return response.IsSuccessStatusCode ? await ReadJsonAsync(response, "container stats", cancellationToken).ConfigureAwait(false) : null;
    }

    /// <summary>Sends SIGKILL to the container; a container that is not running is not an error.</summary>
    internal async Task KillContainerAsync(string id, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Post, $"containers/{id}/kill?signal=SIGKILL", null, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode is not (HttpStatusCode.NotFound or HttpStatusCode.Conflict))
        {
            await EnsureSuccessAsync(response, "kill container", cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Removes the container (killing it if it runs) and its anonymous volumes; a missing container is not an error.</summary>
    internal async Task RemoveContainerAsync(string id, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Delete, $"containers/{id}?force=1&v=1", null, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.NotFound)
        {
            await EnsureSuccessAsync(response, "remove container", cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Lists the containers (running or not) carrying a label <c>KEY=VALUE</c>; returns their ids.</summary>
    internal async Task<IReadOnlyList<string>> ListContainersAsync(string label, CancellationToken cancellationToken)
    {
        var filters = Uri.EscapeDataString(new JsonObject { ["label"] = new JsonArray(label) }.ToJsonString());
        using var response = await SendAsync(HttpMethod.Get, $"containers/json?all=1&filters={filters}", null, cancellationToken).ConfigureAwait(false);
        var list = await ReadJsonAsync(response, "list containers", cancellationToken).ConfigureAwait(false);
        return list is JsonArray array ? [.. array.Select(c => c?["Id"]?.GetValue<string>()).OfType<string>()] : [];
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, JsonObject? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
        }

        try
        {
            return await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw Unreachable(e);
        }
    }

    private CairnException Unreachable(HttpRequestException e) => new(ErrorCode.ServiceUnavailable, $"The container runtime at unix://{SocketPath} does not answer: {e.Message}")
    {
        Hint = $"Start Docker or Podman's API service (podman system service --time=0 unix://{SocketPath}), or point {DockerHost.CairnEnvironmentVariable} at its socket.",
    };

    private static async Task<JsonNode?> ReadJsonAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        await EnsureSuccessAsync(response, what, cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return text.Length == 0 ? null : JsonNode.Parse(text);
        }
        catch (JsonException e)
        {
            throw new CairnException(ErrorCode.ServiceUnavailable, $"The container runtime's answer to {what} is not JSON: {e.Message}");
        }
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        string? message = null;
        try
        {
            message = JsonNode.Parse(text)?["message"]?.GetValue<string>();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // Not the API's error document: quote the body as it is.
        }

        var code = response.StatusCode switch
        {
            HttpStatusCode.NotFound => ErrorCode.NotFound,
            HttpStatusCode.BadRequest => ErrorCode.InvalidArgument,
            HttpStatusCode.Conflict => ErrorCode.Conflict,
            _ => ErrorCode.ServiceUnavailable,
        };
        throw new CairnException(code, $"The container runtime refused to {what}: {(int)response.StatusCode} {message ?? text.Trim()}");
    }
}
