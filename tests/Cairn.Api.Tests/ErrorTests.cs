using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Cairn.ApiModels;
using Cairn.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Cairn.Api.Tests;

public sealed class ErrorTests
{
    private static CancellationToken Ct => TestContext.Current;

    private static async Task<ProblemView> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);

        // RFC 7807 names its members in lower case.
        using var raw = JsonDocument.Parse(text);
        Assert.Equal(["type", "title", "status", "detail", "instance", "code"], raw.RootElement.EnumerateObject().Select(p => p.Name).Take(6));
        return JsonSerializer.Deserialize(text, ApiJsonContext.Default.ProblemView)!;
    }

    [Theory(Timeout = 60_000)]
    [InlineData("{\"Spec\": ")]
    [InlineData("{\"Spec\": 12}")]
    [InlineData("not json")]
    [InlineData("")]
    public async Task Submit_MalformedBody_Is400Problem(string body)
    {
        await using var host = await ApiHost.StartAsync(withLedger: false, cancellationToken: Ct);
        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await http.PutAsync("api/v1/orchestrator/jobs", content, Ct);
        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(nameof(ErrorCode.InvalidInput), problem.Code);
        Assert.Equal(400, problem.Status);
        Assert.Equal("/api/v1/orchestrator/jobs", problem.Instance);
        Assert.NotNull(problem.Hint);
    }

    [Fact(Timeout = 60_000)]
    public async Task Submit_NeitherJobNorSpec_Is400WithHint()
    {
        await using var host = await ApiHost.StartAsync(withLedger: false, cancellationToken: Ct);
        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        using var content = new StringContent("{}", Encoding.UTF8, "application/json");
        using var response = await http.PutAsync("api/v1/orchestrator/jobs", content, Ct);
        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(nameof(ErrorCode.InvalidArgument), problem.Code);
        Assert.Contains("Spec", problem.Hint, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Submit_BadSpec_ProblemListsEachErrorWithItsPosition()
    {
        await using var host = await ApiHost.StartAsync(withLedger: false, cancellationToken: Ct);
        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        using var content = new StringContent("""{"Spec": "Name: x\nCount: two\nTasks: []\n"}""", Encoding.UTF8, "application/json");
        using var response = await http.PutAsync("api/v1/orchestrator/jobs", content, Ct);
        await ProblemAsync(response, HttpStatusCode.BadRequest);
        using var raw = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        var error = raw.RootElement.GetProperty("errors").EnumerateArray().Single(e => e.GetProperty("path").GetString() == "Count");
        var local = Assert.Throws<Cairn.Jobs.Specs.JobSpecException>(() => Cairn.Orchestrator.Specs.JobSpecParser.Parse("Name: x\nCount: two\nTasks: []\n")).Errors.Single(e => e.Path == "Count");
        Assert.Equal(2, error.GetProperty("line").GetInt32());
        Assert.Equal(local.Column, error.GetProperty("column").GetInt32());
        Assert.Equal(local.Message, error.GetProperty("message").GetString());
    }

    [Fact(Timeout = 60_000)]
    public async Task UnknownRoute_Is404Problem()
    {
        await using var host = await ApiHost.StartAsync(withLedger: false, cancellationToken: Ct);
        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        using var response = await http.GetAsync("api/v1/nothing/here", Ct);
        var problem = await ProblemAsync(response, HttpStatusCode.NotFound);
        Assert.Equal(nameof(ErrorCode.NotFound), problem.Code);
        Assert.Contains("/api/v1/nothing/here", problem.Detail, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task WrongMethod_Is405ProblemNamingTheAllowedOnes()
    {
        await using var host = await ApiHost.StartAsync(withLedger: false, cancellationToken: Ct);
        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        using var response = await http.DeleteAsync("api/v1/agent/alive", Ct);
        var problem = await ProblemAsync(response, HttpStatusCode.MethodNotAllowed);
        Assert.Equal(nameof(ErrorCode.InvalidArgument), problem.Code);
        Assert.Contains("GET", problem.Hint, StringComparison.Ordinal);
        Assert.Contains("GET", response.Content.Headers.Allow);
    }

    [Fact(Timeout = 60_000)]
    public async Task Ledger_Absent_Is503Problem()
    {
        await using var host = await ApiHost.StartAsync(withLedger: false, cancellationToken: Ct);
        var e = await Assert.ThrowsAsync<CairnException>(() => host.Client.GetLedgerHeadAsync(Ct));
        Assert.Equal(ErrorCode.ServiceUnavailable, e.Code);
        Assert.Contains("ledger", e.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Client_ANonProblemErrorAnswer_MapsItsStatusToACode()
    {
        // A proxy in front of a node that is down answers 502 with a page of HTML.
        var builder = Microsoft.AspNetCore.Builder.WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var proxy = builder.Build();
        proxy.Run(async context =>
        {
            context.Response.StatusCode = 502;
            context.Response.ContentType = "text/html";
            await context.Response.WriteAsync("<html><body>Bad Gateway</body></html>", context.RequestAborted);
        });
        await proxy.StartAsync(Ct);
        using var client = new CairnClient(proxy.Urls.First());
        var e = await Assert.ThrowsAsync<CairnException>(() => client.GetJobAsync(Cairn.Jobs.JobId.New().Value, Ct));
        Assert.Equal(ErrorCode.ServiceUnavailable, e.Code);
        Assert.Contains("502", e.Message, StringComparison.Ordinal);
        Assert.Contains("Bad Gateway", e.Message, StringComparison.Ordinal);
        await proxy.StopAsync(Ct);
    }

    [Fact(Timeout = 60_000)]
    public async Task Client_NothingListening_IsServiceUnavailableWithServeHint()
    {
        // Take a free port and close it again, so nothing listens there.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var client = new CairnClient($"127.0.0.1:{port}");
        var e = await Assert.ThrowsAsync<CairnException>(() => client.IsAliveAsync(Ct));
        Assert.Equal(ErrorCode.ServiceUnavailable, e.Code);
        Assert.Contains($"127.0.0.1:{port}", e.Message, StringComparison.Ordinal);
        Assert.Contains("cairn serve", e.Hint, StringComparison.Ordinal);

        var ws = await Assert.ThrowsAsync<CairnException>(async () =>
        {
            await foreach (var frame in client.FollowLogsAsync(Cairn.Jobs.JobId.New().Value, cancellationToken: Ct))
            {
                Assert.Fail("no frame expected: " + frame);
            }
        });
        Assert.Equal(ErrorCode.ServiceUnavailable, ws.Code);
    }
}
