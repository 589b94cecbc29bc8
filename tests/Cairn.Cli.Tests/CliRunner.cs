using System.Diagnostics;
using System.Text;

namespace Cairn.Cli.Tests;

/// <summary>Runs the built <c>cairn</c> (cairn.dll next to the tests) as a real process, as a user would, and captures what it prints.</summary>
internal static class CliRunner
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr, byte[] StdoutBytes);

    /// <summary>How to start cairn with <paramref name="args"/>; <c>CAIRN_HOME</c> points at <paramref name="home"/> (or a path no test uses).</summary>
    public static ProcessStartInfo StartInfo(IEnumerable<string> args, string? home = null, string? workingDirectory = null)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? AppContext.BaseDirectory,
            StandardErrorEncoding = Encoding.UTF8,
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "cairn.dll"));
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["CAIRN_HOME"] = home ?? Path.Combine(Path.GetTempPath(), "cairn-cli-test-unset-home");
        psi.Environment["NO_COLOR"] = "1";
        return psi;
    }

    public static async Task<Result> RunAsync(IEnumerable<string> args, CancellationToken cancellationToken, string? home = null, string? workingDirectory = null, byte[]? stdin = null)
    {
        using var process = Process.Start(StartInfo(args, home, workingDirectory)) ?? throw new InvalidOperationException("Cannot start dotnet.");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(3));
        try
        {
            using var stdout = new MemoryStream();
            var copy = process.StandardOutput.BaseStream.CopyToAsync(stdout, timeout.Token);
            var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
            if (stdin is not null)
            {
                await process.StandardInput.BaseStream.WriteAsync(stdin, timeout.Token);
            }

            process.StandardInput.Close();
            await copy;
            await process.WaitForExitAsync(timeout.Token);
            var bytes = stdout.ToArray();
            return new Result(process.ExitCode, Encoding.UTF8.GetString(bytes), await stderr, bytes);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
    }
}
