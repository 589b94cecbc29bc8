using System.Diagnostics;
using System.Text;

namespace Cairn.IntegrationTests;

/// <summary>Runs the built <c>cairn</c> (cairn.dll next to the tests) as a real process.</summary>
internal static class CairnProcess
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static ProcessStartInfo StartInfo(IEnumerable<string> args, string? home = null, string? api = null)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "cairn.dll"));
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["CAIRN_HOME"] = home ?? Path.Combine(Path.GetTempPath(), "cairn-integration-unset-home");
        if (api is not null)
        {
            psi.Environment["CAIRN_API"] = api;
        }

        psi.Environment["NO_COLOR"] = "1";
        return psi;
    }

    public static async Task<Result> RunAsync(IEnumerable<string> args, CancellationToken cancellationToken, string? home = null, string? api = null)
    {
        using var process = Process.Start(StartInfo(args, home, api)) ?? throw new InvalidOperationException("Cannot start dotnet.");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        try
        {
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
            return new Result(process.ExitCode, await stdout, await stderr);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
    }

    /// <summary>A running <c>cairn serve</c> on 127.0.0.1:0 over <paramref name="home"/> (or <paramref name="args"/>); returns once its API is up.</summary>
    public static async Task<Server> ServeAsync(string home, CancellationToken cancellationToken, IReadOnlyList<string>? args = null)
    {
        var process = Process.Start(StartInfo(args ?? ["serve", "--home", home, "--api", "127.0.0.1:0"], home)) ?? throw new InvalidOperationException("Cannot start dotnet.");
        string? node = null;
        var stderr = new StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            lock (stderr)
            {
                stderr.AppendLine(e.Data);
            }
        };
        process.BeginErrorReadLine();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            while (true)
            {
                var line = await process.StandardOutput.ReadLineAsync(timeout.Token);
                if (line is null)
                {
                    await process.WaitForExitAsync(timeout.Token);
                    throw new InvalidOperationException($"cairn serve exited with {process.ExitCode}: {stderr}");
                }

                var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (words is ["node", var did])
                {
                    node = did;
                }

                if (words is ["api", var url])
                {
                    // Keep draining stdout so the server never blocks on a full pipe.
                    _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null, CancellationToken.None);
                    return new Server(process, new Uri(url), stderr) { Node = node };
                }
            }
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }
    }

    /// <summary>A <c>cairn serve</c> process.</summary>
    internal sealed class Server(Process process, Uri api, StringBuilder stderr) : IDisposable
    {
        public Process Process { get; } = process;

        public Uri Api { get; } = api;

        /// <summary>The node's did:key as its banner printed it.</summary>
        public string? Node { get; init; }

        public string Stderr
        {
            get
            {
                lock (stderr)
                {
                    return stderr.ToString();
                }
            }
        }

        /// <summary>SIGKILL: no shutdown code runs.</summary>
        public void Kill9()
        {
            Process.Kill(entireProcessTree: false);
            Process.WaitForExit();
        }

        /// <summary>SIGTERM, then wait for a clean exit; returns the exit code.</summary>
        public async Task<int> TerminateAsync(CancellationToken cancellationToken)
        {
            using var kill = Process.Start("kill", ["-TERM", Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync(cancellationToken);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            await Process.WaitForExitAsync(timeout.Token);
            return Process.ExitCode;
        }

        public void Dispose()
        {
            if (!Process.HasExited)
            {
                Process.Kill(entireProcessTree: true);
                Process.WaitForExit();
            }

            Process.Dispose();
        }
    }
}
