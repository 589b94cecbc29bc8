using System.Diagnostics;

namespace Cairn.Cli.Tests.Store;

/// <summary>The real <c>cairn</c> as a child process, on a given home (see <see cref="CliRunner"/>).</summary>
internal static class CairnProcess
{
    public static ProcessStartInfo StartInfo(string home, params string[] args) => CliRunner.StartInfo(["--home", home, .. args], home);

    public static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(string home, CancellationToken ct, params string[] args)
    {
        var result = await CliRunner.RunAsync(["--home", home, .. args], ct, home);
        return (result.ExitCode, result.Stdout, result.Stderr);
    }
}
