using Cairn.Orchestrator.Tests.Market;
using Cairn.Orchestrator.Tests.Store;

namespace Cairn.Orchestrator.Tests;

/// <summary>
/// The test assembly's entry point. The test host does not use it; the crash test starts this
/// assembly as a child process (<c>dotnet Cairn.Orchestrator.Tests.dll crash-writer DB</c>) to
/// write to a job store until it is killed, and the market crash test runs a whole orchestrator
/// with a ledger the same way (<c>market-crash DIR SEED</c>). <c>market-bench</c> runs a measurement
/// by hand (<see cref="MarketBench"/>).
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 2 && args[0] == "crash-writer")
        {
            await CrashWriter.RunAsync(args[1]);
            return 0;
        }

        if (args.Length == 3 && args[0] == "market-crash")
        {
            await MarketCrashChild.RunAsync(args[1], args[2]);
            return 0;
        }

        if (args.Length >= 1 && args[0] == "market-bench")
        {
            await MarketBench.RunAsync(args);
            return 0;
        }

        return 2;
    }
}
