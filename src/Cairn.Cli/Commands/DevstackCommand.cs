using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;

namespace Cairn.Cli.Commands;

/// <summary>
/// <c>cairn devstack --computes N</c>: one orchestrator (<c>cairn serve --no-compute</c>, market on) and N compute
/// processes (<c>cairn serve --join</c>) on loopback, each with its own home under a temp root; Ctrl-C stops them all;
/// the children also stop by themselves if devstack dies (they watch its process id).
/// </summary>
internal static class DevstackCommand
{
    public static Command Create()
    {
        var computes = new Option<int>("--computes") { Description = "How many compute-only nodes join the orchestrator.", DefaultValueFactory = _ => 3 };
        var orchestrators = new Option<int>("--orchestrators") { Description = "How many orchestrators (1: several need a shared PostgreSQL job store, not built yet).", DefaultValueFactory = _ => 1 };
        var root = new Option<string?>("--root") { Description = "Where the nodes' homes go (default: a new directory under the system temp directory)." };
        var noMarket = new Option<bool>("--no-market") { Description = "Run jobs free: no deals on the orchestrator's ledger (by default each compute node publishes its offer there and is paid there)." };
        var lostTimeout = new Option<double>("--lost-timeout") { Description = "Seconds of silence after which a node counts as lost.", DefaultValueFactory = _ => 15 };
        var command = new Command("devstack", "Start an orchestrator and N compute nodes on loopback, each with its own home; Ctrl-C stops them all.")
        {
            computes, orchestrators, root, noMarket, lostTimeout,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var n = parse.GetValue(computes);
            if (n is < 1 or > 32)
            {
                throw new CairnException(ErrorCode.InvalidArgument, $"--computes must be 1-32, not {n}.");
            }

            if (parse.GetValue(orchestrators) != 1)
            {
                throw new CairnException(ErrorCode.Unsupported, "Only one orchestrator per devstack for now.") { Hint = "Several orchestrators need a shared PostgreSQL job store, which is not built yet." };
            }

            var dir = Path.GetFullPath(parse.GetValue(root) ?? Path.Combine(Path.GetTempPath(), "cairn-devstack-" + Guid.NewGuid().ToString("N")[..8]));
            Directory.CreateDirectory(dir);
            var lost = parse.GetValue(lostTimeout).ToString(CultureInfo.InvariantCulture);
            await using var stack = new Stack();
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
            {
                context.Cancel = true;
                stop.Cancel();
            });

            List<string> orchestratorArgs = ["serve", "--home", Path.Combine(dir, "orchestrator"), "--api", "127.0.0.1:0", "--no-compute", "--lost-timeout", lost];
            if (parse.GetValue(noMarket))
            {
                orchestratorArgs.Add("--no-market");
            }

            var orchestrator = await stack.StartAsync("orchestrator", orchestratorArgs, Path.Combine(dir, "orchestrator"), stop.Token);
            Console.WriteLine($"orchestrator  {orchestrator.Api}  home {orchestrator.Home}");
            for (var i = 1; i <= n; i++)
            {
                var name = "compute-" + i.ToString(CultureInfo.InvariantCulture);
                var home = Path.Combine(dir, name);
                var node = await stack.StartAsync(name, ["serve", "--home", home, "--api", "127.0.0.1:0", "--join", orchestrator.Api.ToString(), "--lost-timeout", lost], home, stop.Token);
                Console.WriteLine($"{name,-12}  {node.Api}  home {node.Home}");
            }

            Console.WriteLine();
            Console.WriteLine($"export CAIRN_API={orchestrator.Api}");
            Console.WriteLine("Logs: <home>/node.log. Stop with Ctrl-C.");
            var exited = await stack.WaitAnyExitAsync(stop.Token);
            if (exited is not null)
            {
                Console.Error.WriteLine($"{exited.Name} exited with {exited.Process.ExitCode}; stopping the rest (see {exited.Home}/node.log).");
            }

            Console.Error.WriteLine("Stopping...");
            return exited is null ? ExitCodes.Ok : ExitCodes.Error;
        });
        return command;
    }

    private sealed record Child(string Name, string Home, Process Process, Uri Api, Task Pump);

    /// <summary>The started processes; disposing stops them all (SIGTERM, then SIGKILL of the whole tree after 15 s).</summary>
    private sealed class Stack : IAsyncDisposable
    {
        private readonly List<Child> _children = [];

        public async Task<Child> StartAsync(string name, IReadOnlyList<string> args, string home, CancellationToken cancellationToken)
        {
            Directory.CreateDirectory(home);
            var psi = SelfStartInfo(args);
            psi.Environment["CAIRN_HOME"] = home;
            var process = Process.Start(psi) ?? throw new CairnException(ErrorCode.Internal, $"Could not start {name}.");
            var log = new StreamWriter(Path.Combine(home, "node.log"), append: true) { AutoFlush = true };
            var errors = PumpAsync(process.StandardError, log, null);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(60));
            var api = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
            var output = PumpAsync(process.StandardOutput, log, api);
            var pump = Task.WhenAll(errors, output).ContinueWith(_ => log.Dispose(), TaskScheduler.Default);
            try
            {
                var url = await api.Task.WaitAsync(timeout.Token);
                var child = new Child(name, home, process, url, pump);
                _children.Add(child);
                return child;
            }
            catch (Exception e) when (e is OperationCanceledException or InvalidOperationException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None);
                process.Dispose();
                throw new CairnException(ErrorCode.ServiceUnavailable, $"{name} did not start: see {Path.Combine(home, "node.log")}.");
            }
        }

        public async Task<Child?> WaitAnyExitAsync(CancellationToken cancellationToken)
        {
            var exits = _children.Select(async c =>
            {
                await c.Process.WaitForExitAsync(cancellationToken);
                return c;
            }).ToList();
            try
            {
                return await await Task.WhenAny(exits);
            }
            catch (OperationCanceledException)
            {
                return null;
            }
        }

        public async ValueTask DisposeAsync()
        {
            // Computes first, the orchestrator last, so the computes' last reports still find it.
            for (var i = _children.Count - 1; i >= 0; i--)
            {
                await StopAsync(_children[i]);
            }
        }

        private static async Task StopAsync(Child child)
        {
            if (!child.Process.HasExited)
            {
                using var term = Process.Start("kill", ["-TERM", child.Process.Id.ToString(CultureInfo.InvariantCulture)]);
                await term.WaitForExitAsync();
                using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                try
                {
                    await child.Process.WaitForExitAsync(grace.Token);
                }
                catch (OperationCanceledException)
                {
                    child.Process.Kill(entireProcessTree: true);
                    await child.Process.WaitForExitAsync(CancellationToken.None);
                }
            }

            await child.Pump;
            child.Process.Dispose();
        }

        private static async Task PumpAsync(StreamReader reader, StreamWriter log, TaskCompletionSource<Uri>? api)
        {
            while (await reader.ReadLineAsync() is { } line)
            {
                lock (log)
                {
                    log.WriteLine(line);
                }

                if (api is not null && line.Split(' ', StringSplitOptions.RemoveEmptyEntries) is ["api", var url] && Uri.TryCreate(url, UriKind.Absolute, out var uri))
                {
                    api.TrySetResult(uri);
                }
            }

            api?.TrySetException(new InvalidOperationException("the process ended before it said where its API listens"));
        }

        private static ProcessStartInfo SelfStartInfo(IReadOnlyList<string> args)
        {
            // Run this same cairn: through the dotnet host when that is how it was started (dotnet cairn.dll).
            var self = Environment.ProcessPath ?? "dotnet";
            var psi = new ProcessStartInfo(self)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            if (Path.GetFileNameWithoutExtension(self) == "dotnet")
            {
                psi.ArgumentList.Add(Assembly.GetEntryAssembly()?.Location ?? throw new CairnException(ErrorCode.Internal, "Cannot tell which cairn.dll runs."));
            }

            foreach (var a in args)
            {
                psi.ArgumentList.Add(a);
            }

            psi.Environment["NO_COLOR"] = "1";
            psi.Environment[ServeCommand.ParentPidVariable] = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
            return psi;
        }
    }
}
