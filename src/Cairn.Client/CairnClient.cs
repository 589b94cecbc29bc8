using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Cairn.ApiModels;

namespace Cairn.Client;

/// <summary>
/// The typed client of a Cairn node's REST API (the CLI reaches nodes only through it). One
/// async method per endpoint. Errors come back as the server raised them: a problem-details
/// answer is rebuilt into a <see cref="CairnException"/> with the same code, message and hint
/// (a <see cref="Jobs.Specs.JobSpecException"/> with every error's position for spec errors);
/// a node that cannot be reached is <see cref="ErrorCode.ServiceUnavailable"/>.
/// </summary>
public sealed partial class CairnClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly TimeProvider _time;

    /// <summary>Creates a client over <paramref name="http"/>, whose <see cref="HttpClient.BaseAddress"/> is the node's URL.</summary>
    public CairnClient(HttpClient http, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (http.BaseAddress is null)
        {
            throw new ArgumentException("The HttpClient needs a BaseAddress (the node's URL).", nameof(http));
        }

        _http = http;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Creates a client of the node at <paramref name="baseUrl"/> (e.g. <c>http://127.0.0.1:1234</c>).</summary>
    public CairnClient(Uri baseUrl, TimeProvider? time = null)
        : this(new HttpClient { BaseAddress = baseUrl ?? throw new ArgumentNullException(nameof(baseUrl)), Timeout = Timeout.InfiniteTimeSpan }, time)
    {
        _ownsHttp = true;
    }

    /// <summary>Creates a client of the node at <paramref name="baseUrl"/>.</summary>
    public CairnClient(string baseUrl)
        : this(ParseBaseUrl(baseUrl))
    {
    }

    /// <summary>The node's URL.</summary>
    public Uri BaseAddress => _http.BaseAddress!;

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    private static Uri ParseBaseUrl(string baseUrl)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(baseUrl);
        var text = baseUrl.Contains("://", StringComparison.Ordinal) ? baseUrl : "http://" + baseUrl;
        return Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri
            : throw new CairnException(ErrorCode.InvalidArgument, $"'{baseUrl}' is not a node URL.") { Hint = "Write it as http://HOST:PORT." };
    }

    private async Task<T> GetJsonAsync<T>(string path, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        return await SendJsonAsync(request, type, cancellationToken);
    }

    private async Task<T> SendJsonAsync<T>(HttpRequestMessage request, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        try
        {
            return await JsonSerializer.DeserializeAsync(body, type, cancellationToken)
                ?? throw new CairnException(ErrorCode.Internal, $"The node answered {request.RequestUri} with null.");
        }
        catch (JsonException e)
        {
            throw new CairnException(ErrorCode.Internal, $"The node's answer to {request.RequestUri} is not the JSON expected: {e.Message}", e) { Hint = "Check that the URL is a Cairn node of the same version." };
        }
    }

    /// <summary>Sends a request; a non-success answer throws the exception its problem details describe.</summary>
    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, completion, cancellationToken);
        }
        catch (HttpRequestException e) when (e.InnerException is SocketException || e.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError)
        {
            throw Unreachable(e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CairnException(ErrorCode.Timeout, $"The Cairn node at {BaseAddress} did not answer in time.", e);
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            throw await ReadProblemAsync(response, cancellationToken);
        }
    }

    private CairnException Unreachable(Exception e) =>
        new(ErrorCode.ServiceUnavailable, $"There is no Cairn node at {BaseAddress} ({e.Message}).", e) { Hint = "Start one with `cairn serve`, or point --api at a running node." };

    private static async Task<CairnException> ReadProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (mediaType is not null && (mediaType.EndsWith("/problem+json", StringComparison.OrdinalIgnoreCase) || mediaType.EndsWith("/json", StringComparison.OrdinalIgnoreCase)))
        {
            try
            {
                if (JsonSerializer.Deserialize(text, ApiJsonContext.Default.ProblemView) is { } problem)
                {
                    return ProblemConverter.ToException(problem with { Status = problem.Status == 0 ? status : problem.Status });
                }
            }
            catch (JsonException)
            {
                // Not a problem document after all: describe the answer as it is below.
            }
        }

        var detail = text.Length > 300 ? text[..300] + "..." : text;
        return new CairnException(ProblemConverter.CodeFor(status), $"The node answered {status} {response.ReasonPhrase}{(detail.Length > 0 ? ": " + detail : ".")}");
    }

    private static StringContent JsonContent<T>(T value, JsonTypeInfo<T> type) =>
        new(JsonSerializer.Serialize(value, type), Encoding.UTF8, "application/json");

    private static string Escape(string segment) => Uri.EscapeDataString(segment);
}
