using Cairn.Ledger.Identity;

namespace Cairn.Cli.Tests;

/// <summary><c>cairn account create|show</c> as a user runs them: real processes on a temporary home.</summary>
public sealed class AccountCommandTests : IDisposable
{
    private readonly TempDir _dir = new();

    private string Home => _dir.Combine("home");

    public void Dispose() => _dir.Dispose();

    private Task<CliRunner.Result> RunAsync(CancellationToken ct, params string[] args) => CliRunner.RunAsync(args, ct, Home);

    [Fact(Timeout = 240_000)]
    public async Task CreateThenShow_SameDid_KeyFileIsPrivateAndHoldsThatKey()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(230));
        var create = await RunAsync(cts.Token, "account", "create");
        Assert.True(create.ExitCode == 0, create.Stderr);
        var did = create.Stdout.Trim();
        Assert.Matches("^did:key:zDn[1-9A-HJ-NP-Za-km-z]+$", did);
        Assert.Equal(did, DidKey.Parse(did).Text);
        var file = Path.Combine(Home, "keys", "default.key");
        Assert.Contains(file, create.Stderr, StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Combine(Home, "keys")));
        }

        var show = await RunAsync(cts.Token, "account", "show");
        Assert.True(show.ExitCode == 0, show.Stderr);
        Assert.Equal(did, show.Stdout.Trim());

        // The file's private key is the one the DID names: signing with it verifies for that DID.
        using var key = new KeyStore(Home).Load(KeyStore.DefaultName);
        Assert.Equal(did, key.Did.Text);
        Assert.True(SignatureVerifier.Verify(did, "cli"u8, key.Sign("cli"u8)));
    }

    [Fact(Timeout = 240_000)]
    public async Task CreateTwice_SameName_ConflictAndTheFirstKeyIsKept()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(230));
        var first = await RunAsync(cts.Token, "account", "create", "--name", "alice");
        Assert.True(first.ExitCode == 0, first.Stderr);
        var file = Path.Combine(Home, "keys", "alice.key");
        var bytes = await File.ReadAllBytesAsync(file, cts.Token);

        var again = await RunAsync(cts.Token, "account", "create", "--name", "alice");
        Assert.Equal(1, again.ExitCode);
        Assert.StartsWith("Error: A key named 'alice' already exists", again.Stderr, StringComparison.Ordinal);
        Assert.Contains("Hint: ", again.Stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, again.Stdout);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(file, cts.Token));

        // With only alice in the home, show without --name means alice.
        var show = await RunAsync(cts.Token, "account", "show");
        Assert.Equal(first.Stdout.Trim(), show.Stdout.Trim());
    }

    [Fact(Timeout = 240_000)]
    public async Task ShowAll_TwoKeys_ListsEachNameWithItsDid()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(230));
        var alice = (await RunAsync(cts.Token, "account", "create", "--name", "alice")).Stdout.Trim();
        var bob = (await RunAsync(cts.Token, "account", "create", "-n", "bob")).Stdout.Trim();
        Assert.NotEqual(alice, bob);

        var all = await RunAsync(cts.Token, "account", "show", "--all");
        Assert.True(all.ExitCode == 0, all.Stderr);
        Assert.Equal([$"alice {alice}", $"bob {bob}"], all.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Equal(bob, (await RunAsync(cts.Token, "account", "show", "--name", "bob")).Stdout.Trim());
    }

    [Fact(Timeout = 240_000)]
    public async Task Show_NoKeyOrBadName_ErrorsSayWhatToDo()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(230));
        var none = await RunAsync(cts.Token, "account", "show");
        Assert.Equal(1, none.ExitCode);
        Assert.StartsWith("Error: No key named 'default'", none.Stderr, StringComparison.Ordinal);
        Assert.Contains("Hint: Create one with `cairn account create`.", none.Stderr, StringComparison.Ordinal);

        var bad = await RunAsync(cts.Token, "account", "create", "--name", "../escape");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("is not a valid key name", bad.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(_dir.Combine("home", "escape.key")));
    }

    [Fact(Timeout = 240_000)]
    public async Task CreateWithPassphrase_KeyIsSealed_AndUsingItNeedsThePassphrase()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(230));

        // The child inherits this process's environment; the variable's name is unique to this test.
        var variable = "CAIRN_TEST_PASSPHRASE_" + Guid.NewGuid().ToString("N");
        var wrong = variable + "_WRONG";
        Environment.SetEnvironmentVariable(variable, "correct horse battery staple");
        Environment.SetEnvironmentVariable(wrong, "tr0ub4dor&3");
        try
        {
            var create = await RunAsync(cts.Token, "account", "create", "--name", "sealed", "--passphrase-env", variable);
            Assert.True(create.ExitCode == 0, create.Stderr);
            var did = create.Stdout.Trim();
            Assert.True(new KeyStore(Home).IsSealed("sealed"));
            using (var key = new KeyStore(Home).Load("sealed", "correct horse battery staple"))
            {
                var text = await File.ReadAllTextAsync(Path.Combine(Home, "keys", "sealed.key"), cts.Token);
                var scalar = key.ExportPrivateScalar();
                Assert.DoesNotContain(Convert.ToBase64String(scalar), text, StringComparison.Ordinal);
                Assert.DoesNotContain(Convert.ToHexString(scalar), text, StringComparison.OrdinalIgnoreCase);
            }

            // Showing the DID needs no passphrase; using the key does.
            Assert.Equal(did, (await RunAsync(cts.Token, "account", "show", "--name", "sealed")).Stdout.Trim());
            var noPassphrase = await RunAsync(cts.Token, "ledger", "init", "--name", "sealed");
            Assert.Equal(2, noPassphrase.ExitCode);
            Assert.Contains("is sealed with a passphrase", noPassphrase.Stderr, StringComparison.Ordinal);
            var wrongPassphrase = await RunAsync(cts.Token, "ledger", "init", "--name", "sealed", "--passphrase-env", wrong);
            Assert.Equal(2, wrongPassphrase.ExitCode);
            Assert.Contains("Wrong passphrase", wrongPassphrase.Stderr, StringComparison.Ordinal);
            Assert.False(File.Exists(Path.Combine(Home, "ledger", "ledger.db")));

            var init = await RunAsync(cts.Token, "ledger", "init", "--name", "sealed", "--passphrase-env", variable);
            Assert.True(init.ExitCode == 0, init.Stderr);
            var balance = await RunAsync(cts.Token, "ledger", "balance", "--name", "sealed");
            Assert.Contains($"account  {did}", balance.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
            Environment.SetEnvironmentVariable(wrong, null);
        }
    }
}
