using Cairn.Storage;

namespace Cairn.Content.Storage;

/// <summary>
/// The local content repository under a Cairn home: blocks in <c>blocks/</c>, pins in <c>pins.db</c>.
/// </summary>
public sealed class ContentRepo : IDisposable
{
    private readonly SqlitePinStore _pins;

    private ContentRepo(string home)
    {
        Home = home;
        Directory.CreateDirectory(home);
        Blocks = new FileBlockStore(Path.Combine(home, "blocks"));
        _pins = new SqlitePinStore(Path.Combine(home, "pins.db"));
    }

    /// <summary>The home folder.</summary>
    public string Home { get; }

    /// <summary>The block store.</summary>
    public IBlockStore Blocks { get; }

    /// <summary>The pins.</summary>
    public IPinStore Pins => _pins;

    /// <summary>
    /// The home to use: <paramref name="explicitHome"/> when given, else <c>$CAIRN_HOME</c>, else <c>~/.cairn</c>.
    /// </summary>
    public static string ResolveHome(string? explicitHome)
    {
        if (!string.IsNullOrEmpty(explicitHome))
        {
            return Path.GetFullPath(explicitHome);
        }

        var env = Environment.GetEnvironmentVariable("CAIRN_HOME");
        if (!string.IsNullOrEmpty(env))
        {
            return Path.GetFullPath(env);
        }

        return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cairn");
    }

    /// <summary>Opens (creating if needed) the repository in a home folder.</summary>
    public static ContentRepo Open(string? explicitHome) => new(ResolveHome(explicitHome));

    /// <inheritdoc />
    public void Dispose() => _pins.Dispose();
}
