using System.Diagnostics;

namespace Cairn.Cli.Tests.Store;

/// <summary>Runs the real <c>cairn</c> (cairn.dll next to the tests) as a child process.</summary>
internal static class CairnProcess
{
    public static ProcessStartInfo StartInfo(string home, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "cairn.dll"));
        psi.ArgumentList.Add("--home");
        psi.ArgumentList.Add(home);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        return psi;
    }

    public static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(string home, CancellationToken ct, params string[] args)
    {
        using var process = Process.Start(StartInfo(home, args))!;
        try
        {
            var stdout = process.StandardOutput.ReadToEndAsync(ct);
            var stderr = process.StandardError.ReadToEndAsync(ct);
            await process.WaitForExitAsync(ct);
            return (process.ExitCode, await stdout, await stderr);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
    }
}
