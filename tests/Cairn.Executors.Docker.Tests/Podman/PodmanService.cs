using System.Diagnostics;

namespace Cairn.Executors.Docker.Tests.Podman;

/// <summary>
/// One Podman API service per test run (scripts/podman-service), on a socket in a temp directory, started
/// on first use and stopped when the test process exits (and by the script's watchdog if it is killed).
/// Where podman cannot run here (not installed, not root), <see cref="SkipReason"/> says why and the
/// podman tests report skipped; any other failure to start fails them with the script's output.
/// </summary>
internal static class PodmanService
{
    /// <summary>The local test image the script builds from busybox-static.</summary>
    public const string Image = "busybox:1.37.0";

    private const int Missing = 3;
    private const int NotPermitted = 4;

    private static readonly Lazy<State> Service = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Why the podman tests cannot run here, or null when they can.</summary>
    public static string? SkipReason => Service.Value.SkipReason;

    /// <summary>The service's unix socket (throws when it could not start).</summary>
    public static string SocketPath
    {
        get
        {
            var state = Service.Value;
            return state.Socket ?? throw new InvalidOperationException(state.SkipReason ?? state.Error);
        }
    }

    private static State Start()
    {
        var script = Path.Combine(RepoPaths.Root, "scripts", "podman-service");
        var root = Path.Combine(Path.GetTempPath(), "cairn-podman-" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var (code, stdout, stderr) = Run(script, "start", root, Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (code is Missing or NotPermitted)
        {
            return new State(null, $"podman cannot run here: {stderr.Trim()}", null);
        }

        if (code != 0)
        {
            return new State(null, null, $"scripts/podman-service failed (exit {code}): {stderr.Trim()}");
        }

        // The script's watchdog stops and deletes it too if this process is killed.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Run(script, "stop", root, "--purge");
        var url = stdout.Trim().Split('\n')[^1];
        return new State(DockerHost.ToSocketPath(url), null, null);
    }

    private static (int Code, string Stdout, string Stderr) Run(string script, params string[] args)
    {
        var info = new ProcessStartInfo(script) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start " + script);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            return (-1, "", "scripts/podman-service did not finish within 3 minutes");
        }

        return (process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }

    private sealed record State(string? Socket, string? SkipReason, string? Error);
}
