using System.CommandLine;
using Cairn.Ledger.Identity;

namespace Cairn.Cli.Commands;

/// <summary><c>cairn account create|show</c>: P-256 identities (did:key) in the home's key directory.</summary>
internal static class AccountCommand
{
    public static readonly Option<string?> NameOption = new("--name", "-n")
    {
        Description = "The key's name in $CAIRN_HOME/keys (default: 'default', or the only key there is).",
    };

    public static readonly Option<string?> PassphraseEnvOption = new("--passphrase-env")
    {
        Description = "Name of an environment variable holding a passphrase to seal (or unseal) the key with.",
    };

    public static Command Create()
    {
        var command = new Command(
            "account",
            """
            Manage identities: ECDSA P-256 keys named by did:key. Key files live in $CAIRN_HOME/keys
            (mode 0600); --passphrase-env seals a key with PBKDF2-HMAC-SHA256 + AES-256-GCM.
            These commands work on the local home directly (the node API does not serve them yet).
            """);
        command.Subcommands.Add(CreateCommand());
        command.Subcommands.Add(ShowCommand());
        return command;
    }

    /// <summary>The home directory: --home, else $CAIRN_HOME, else ~/.cairn.</summary>
    internal static string ResolveHome(ParseResult parse)
    {
        var home = parse.GetValue(CliApp.HomeOption);
        if (string.IsNullOrEmpty(home))
        {
            home = Environment.GetEnvironmentVariable("CAIRN_HOME");
        }

        if (string.IsNullOrEmpty(home))
        {
            home = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cairn");
        }

        return Path.GetFullPath(home);
    }

    internal static string? Passphrase(ParseResult parse)
    {
        var variable = parse.GetValue(PassphraseEnvOption);
        if (string.IsNullOrEmpty(variable))
        {
            return null;
        }

        var value = Environment.GetEnvironmentVariable(variable);
        return string.IsNullOrEmpty(value)
            ? throw new CairnException(ErrorCode.InvalidArgument, $"The environment variable {variable} named by --passphrase-env is empty or unset.")
            : value;
    }

    private static Command CreateCommand()
    {
        var command = new Command("create", "Create a new key and print its did:key.");
        command.Options.Add(NameOption);
        command.Options.Add(PassphraseEnvOption);
        command.SetAction((parse, _) =>
        {
            var store = new KeyStore(ResolveHome(parse));
            var name = parse.GetValue(NameOption) ?? KeyStore.DefaultName;
            using var key = store.Create(name, Passphrase(parse));
            Console.WriteLine(key.Did.Text);
            Console.Error.WriteLine($"Saved to {store.PathOf(name)}");
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }

    private static Command ShowCommand()
    {
        var command = new Command("show", "Print the did:key of a key (all keys with --all).");
        command.Options.Add(NameOption);
        var all = new Option<bool>("--all") { Description = "List every key as NAME DID." };
        command.Options.Add(all);
        command.SetAction((parse, _) =>
        {
            var store = new KeyStore(ResolveHome(parse));
            if (parse.GetValue(all))
            {
                foreach (var name in store.List())
                {
                    Console.WriteLine($"{name} {store.ReadDid(name)}");
                }
            }
            else
            {
                Console.WriteLine(store.ReadDid(store.ResolveName(parse.GetValue(NameOption))));
            }

            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }
}
