using Cairn.Ledger.Identity;

namespace Cairn.Ledger.Tests.Identity;

public sealed class KeyStoreTests : IDisposable
{
    private readonly string _home = Path.Combine(Path.GetTempPath(), "cairn-keys-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_home))
        {
            Directory.Delete(_home, recursive: true);
        }
    }

    [Fact]
    public void Create_ThenLoad_SameDidAndOwnerOnlyFile()
    {
        var store = new KeyStore(_home);
        using var key = store.Create("alice");
        using var loaded = store.Load("alice");
        Assert.Equal(key.Did, loaded.Did);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(store.PathOf("alice")));
        }

        Assert.Equal(["alice"], store.List());
        Assert.Empty(Directory.GetFiles(store.Directory, "*.tmp"));
    }

    [Fact]
    public void Create_ExistingName_IsConflictAndKeepsTheOldKey()
    {
        var store = new KeyStore(_home);
        using var key = store.Create("a");
        var e = Assert.Throws<CairnException>(() => store.Create("a"));
        Assert.Equal(ErrorCode.Conflict, e.Code);
        using var loaded = store.Load("a");
        Assert.Equal(key.Did, loaded.Did);
    }

    [Fact]
    public void Sealed_RightPassphrase_Loads_WrongOrMissing_Fails()
    {
        var store = new KeyStore(_home) { Iterations = 1000 };
        using var key = store.Create("s", "correct horse");
        Assert.True(store.IsSealed("s"));
        Assert.DoesNotContain(Convert.ToBase64String(key.ExportPrivateScalar()), File.ReadAllText(store.PathOf("s")), StringComparison.Ordinal);
        using var loaded = store.Load("s", "correct horse");
        Assert.Equal(key.Did, loaded.Did);
        Assert.Equal(ErrorCode.InvalidArgument, Assert.Throws<CairnException>(() => store.Load("s", "wrong")).Code);
        Assert.Equal(ErrorCode.InvalidArgument, Assert.Throws<CairnException>(() => store.Load("s")).Code);
    }

    [Fact]
    public void Load_DidSwappedInFile_IsIntegrityViolation()
    {
        var store = new KeyStore(_home);
        using var a = store.Create("a");
        using var b = store.Create("b");
        var path = store.PathOf("a");
        File.WriteAllText(path, File.ReadAllText(path).Replace(a.Did.Text, b.Did.Text, StringComparison.Ordinal));
        Assert.Equal(ErrorCode.IntegrityViolation, Assert.Throws<CairnException>(() => store.Load("a")).Code);
    }

    [Theory]
    [InlineData("../evil")]
    [InlineData(".hidden")]
    [InlineData("")]
    [InlineData("a b")]
    public void PathOf_BadName_IsInvalidArgument(string name)
    {
        Assert.Equal(ErrorCode.InvalidArgument, Assert.Throws<CairnException>(() => new KeyStore(_home).PathOf(name)).Code);
    }

    [Fact]
    public void Load_Missing_IsNotFoundWithHint()
    {
        var e = Assert.Throws<CairnException>(() => new KeyStore(_home).Load("default"));
        Assert.Equal(ErrorCode.NotFound, e.Code);
        Assert.NotNull(e.Hint);
    }
}
