using System.CommandLine;
using Cairn.Client;
using Cairn.Jobs;

namespace Cairn.Cli.Commands;

/// <summary>How the job, node and submit commands find a node: <c>--api URL</c>, else <c>$CAIRN_API</c>, else the default address.</summary>
internal static class NodeApi
{
    public const string DefaultUrl = "http://127.0.0.1:4780";

    /// <summary>Exit code of a failed job.</summary>
    public const int JobFailed = 20;

    /// <summary>Exit code of a stopped job.</summary>
    public const int JobStopped = 21;

    /// <summary>Exit code of a job that failed on a timeout (execution, queue or total).</summary>
    public const int JobTimedOut = 22;

    /// <summary>Exit code when <c>--wait</c> gave up waiting (the job goes on).</summary>
    public const int WaitTimedOut = 23;

    /// <summary>A fresh <c>--api</c> option (an option instance belongs to one command).</summary>
    public static Option<string?> CreateOption() => new("--api")
    {
        Description = $"The node's API URL (default: $CAIRN_API, else {DefaultUrl}).",
    };

    public static Uri ResolveUrl(string? explicitUrl)
    {
        var text = !string.IsNullOrWhiteSpace(explicitUrl) ? explicitUrl
            : Environment.GetEnvironmentVariable("CAIRN_API") is { Length: > 0 } env ? env
            : DefaultUrl;
        if (!text.Contains("://", StringComparison.Ordinal))
        {
            text = "http://" + text;
        }

        if (!Uri.TryCreate(text.TrimEnd('/') + "/", UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new CairnException(ErrorCode.InvalidArgument, $"'{text}' is not a node API URL.") { Hint = "Give http://HOST:PORT, e.g. " + DefaultUrl + "." };
        }

        return uri;
    }

    public static CairnClient Connect(ParseResult parse, Option<string?> option) => new(ResolveUrl(parse.GetValue(option)));

    /// <summary>The exit code for a job that ended in <paramref name="state"/> (DESIGN.md: 20-29 are job outcomes).</summary>
    public static int ExitCodeFor(JobState state, string? message) => state switch
    {
        JobState.Completed => ExitCodes.Ok,
        JobState.Stopped => JobStopped,
        JobState.Failed when message is not null && message.Contains("timeout", StringComparison.OrdinalIgnoreCase) => JobTimedOut,
        JobState.Failed => JobFailed,
        _ => WaitTimedOut,
    };
}
