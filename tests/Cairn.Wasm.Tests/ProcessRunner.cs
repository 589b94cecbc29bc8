using System.Diagnostics;
using System.Text;

namespace Cairn.Wasm.Tests;

/// <summary>Runs a process with optional stdin and returns its exit code and stdout (stderr is kept for messages).</summary>
internal static class ProcessRunner
{
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(
        string file, IEnumerable<string> args, string? workingDirectory, byte[]? stdin, CancellationToken cancellationToken)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        if (stdin is not null)
        {
            await process.StandardInput.BaseStream.WriteAsync(stdin, cancellationToken);
        }

        process.StandardInput.Close();
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Compiles a C test program natively with gcc -O2 into <paramref name="dir"/>.</summary>
    public static async Task<string> BuildNativeAsync(string source, string dir, CancellationToken cancellationToken)
    {
        var exe = Path.Combine(dir, Path.GetFileNameWithoutExtension(source) + ".native");
        var (code, _, err) = await RunAsync("gcc", ["-O2", "-o", exe, source], null, null, cancellationToken);
        Assert.True(code == 0, "gcc failed: " + err);
        return exe;
    }

    public static string Utf8(MemoryStream s) => Encoding.UTF8.GetString(s.ToArray());
}
