using System.Diagnostics;
using System.Text;

namespace Cairn.Tests.Shared;

/// <summary>
/// Runs a reference implementation (a script under tests/interop, with the npm packages that
/// scripts/test installs there) under node, and returns what it printed. Interop tests compare
/// Cairn's output with this oracle's, never with values we wrote down ourselves.
/// </summary>
internal static class NodeOracle
{
    public static async Task<string> RunAsync(string script, IEnumerable<string> args, CancellationToken cancellationToken, byte[]? stdin = null)
    {
        var result = await RunBytesAsync(script, args, cancellationToken, stdin);
        return Encoding.UTF8.GetString(result).TrimEnd('\n');
    }

    public static async Task<byte[]> RunBytesAsync(string script, IEnumerable<string> args, CancellationToken cancellationToken, byte[]? stdin = null)
    {
        if (!Directory.Exists(Path.Combine(RepoPaths.Interop, "node_modules")))
        {
            throw new InvalidOperationException("The interop oracles are not installed: run scripts/test (it runs `npm ci` in tests/interop).");
        }

        var psi = new ProcessStartInfo("node")
        {
            WorkingDirectory = RepoPaths.Interop,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("--no-turbo-fast-api-calls");
        psi.ArgumentList.Add(Path.Combine(RepoPaths.Interop, script));
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi) ?? throw new InvalidOperationException("Cannot start node.");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(5));
        try
        {
            var stdoutTask = CopyAllAsync(process.StandardOutput.BaseStream, timeout.Token);
            var stderrTask = process.StandardError.ReadToEndAsync(timeout.Token);
            if (stdin is not null)
            {
                await process.StandardInput.BaseStream.WriteAsync(stdin, timeout.Token);
            }

            process.StandardInput.Close();
            var stdout = await stdoutTask;
            var stderr = await stderrTask;
            await process.WaitForExitAsync(timeout.Token);
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"node {script} exited with {process.ExitCode}: {stderr}");
            }

            return stdout;
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
    }

    private static async Task<byte[]> CopyAllAsync(Stream stream, CancellationToken cancellationToken)
    {
        using var ms = new MemoryStream();
        await stream.CopyToAsync(ms, cancellationToken);
        return ms.ToArray();
    }
}
