using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Cairn.Ledger.Identity;

/// <summary>
/// Key files under <c>$CAIRN_HOME/keys/NAME.key</c>: JSON holding the DID and the private scalar,
/// either in the clear (the file is 0600 in a 0700 directory) or sealed with a passphrase
/// (PBKDF2-HMAC-SHA256 → AES-256-GCM, the DID as associated data so a sealed key cannot be
/// swapped into another file unnoticed). Files are written to a temporary name, flushed and moved
/// into place, so a crash never leaves a half-written key.
/// </summary>
public sealed class KeyStore
{
    /// <summary>The default key name.</summary>
    public const string DefaultName = "default";

    /// <summary>PBKDF2 iterations for new sealed keys (OWASP 2023 guidance for PBKDF2-HMAC-SHA256).</summary>
    public const int DefaultIterations = 600_000;

    private const int FormatVersion = 1;

    /// <summary>Opens the key directory of a Cairn home.</summary>
    public KeyStore(string home)
    {
        ArgumentNullException.ThrowIfNull(home);
        Directory = Path.Combine(home, "keys");
    }

    /// <summary>The key directory.</summary>
    public string Directory { get; }

    /// <summary>PBKDF2 iterations used when sealing (tests lower it).</summary>
    public int Iterations { get; init; } = DefaultIterations;

    /// <summary>The path of a named key file.</summary>
    public string PathOf(string name)
    {
        ValidateName(name);
        return Path.Combine(Directory, name + ".key");
    }

    /// <summary>True when a key of that name exists.</summary>
    public bool Exists(string name) => File.Exists(PathOf(name));

    /// <summary>The names of the stored keys.</summary>
    public IReadOnlyList<string> List()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return [];
        }

        var names = System.IO.Directory.GetFiles(Directory, "*.key").Select(Path.GetFileNameWithoutExtension).OfType<string>().ToList();
        names.Sort(StringComparer.Ordinal);
        return names;
    }

    /// <summary>Creates a new key; fails if the name is taken.</summary>
    public LedgerKey Create(string name, string? passphrase = null)
    {
        var key = LedgerKey.Generate();
        try
        {
            Save(name, key, passphrase);
            return key;
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>Writes a key under a name that is not taken yet.</summary>
    public void Save(string name, LedgerKey key, string? passphrase = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        var path = PathOf(name);
        if (File.Exists(path))
        {
            throw new CairnException(ErrorCode.Conflict, $"A key named '{name}' already exists at {path}.")
            {
                Hint = "Choose another name with --name, or use the existing key (cairn account show).",
            };
        }

        if (!OperatingSystem.IsWindows())
        {
            System.IO.Directory.CreateDirectory(Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        else
        {
            System.IO.Directory.CreateDirectory(Directory);
        }

        var json = Serialize(key, passphrase);
        var temp = Path.Combine(Directory, $".{name}.{Guid.NewGuid():N}.tmp");
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Options = FileOptions.WriteThrough };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (var stream = new FileStream(temp, options))
            {
                stream.Write(json);
                stream.Flush(flushToDisk: true);
            }

            // overwrite: false keeps a concurrently created key of the same name.
            File.Move(temp, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            throw new CairnException(ErrorCode.Conflict, $"A key named '{name}' already exists at {path}.");
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>
    /// The key a command means when it names none: <c>default</c> when it exists, else the only key
    /// there is (so `account create --name alice` then `account show` shows alice).
    /// </summary>
    public string ResolveName(string? name)
    {
        if (!string.IsNullOrEmpty(name))
        {
            return name;
        }

        if (File.Exists(PathOf(DefaultName)))
        {
            return DefaultName;
        }

        var names = List();
        return names.Count == 1 ? names[0] : DefaultName;
    }

    /// <summary>Loads a named key, unsealing it with the passphrase when it is sealed.</summary>
    public LedgerKey Load(string name, string? passphrase = null)
    {
        var path = PathOf(name);
        if (!File.Exists(path))
        {
            throw new CairnException(ErrorCode.NotFound, $"No key named '{name}' in {Directory}.")
            {
                Hint = "Create one with `cairn account create" + (name == DefaultName ? "`." : $" --name {name}`."),
            };
        }

        return Deserialize(File.ReadAllBytes(path), path, passphrase);
    }

    /// <summary>The DID a key file names, read without unsealing it.</summary>
    public string ReadDid(string name)
    {
        var path = PathOf(name);
        if (!File.Exists(path))
        {
            throw new CairnException(ErrorCode.NotFound, $"No key named '{name}' in {Directory}.")
            {
                Hint = "Create one with `cairn account create" + (name == DefaultName ? "`." : $" --name {name}`."),
            };
        }

        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            return DidKey.Parse(doc.RootElement.GetProperty("did").GetString() ?? string.Empty).Text;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new CairnException(ErrorCode.InvalidInput, $"The key file {path} is not a Cairn key file: {e.Message}", e);
        }
    }

    /// <summary>True when the named key is sealed with a passphrase.</summary>
    public bool IsSealed(string name)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(PathOf(name)));
        return doc.RootElement.TryGetProperty("kdf", out var kdf) && kdf.ValueKind == JsonValueKind.Object;
    }

    private byte[] Serialize(LedgerKey key, string? passphrase)
    {
        var d = key.ExportPrivateScalar();
        try
        {
            using var buffer = new MemoryStream();
            using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
            {
                w.WriteStartObject();
                w.WriteNumber("version", FormatVersion);
                w.WriteString("type", "p256");
                w.WriteString("did", key.Did.Text);
                if (string.IsNullOrEmpty(passphrase))
                {
                    w.WriteBase64String("privateKey", d);
                }
                else
                {
                    var salt = RandomNumberGenerator.GetBytes(16);
                    var nonce = RandomNumberGenerator.GetBytes(AesGcm.NonceByteSizes.MaxSize);
                    var aesKey = DeriveKey(passphrase, salt, Iterations);
                    var ciphertext = new byte[d.Length];
                    var tag = new byte[AesGcm.TagByteSizes.MaxSize];
                    using (var aes = new AesGcm(aesKey, tag.Length))
                    {
                        aes.Encrypt(nonce, d, ciphertext, tag, Encoding.UTF8.GetBytes(key.Did.Text));
                    }

                    CryptographicOperations.ZeroMemory(aesKey);
                    w.WriteStartObject("kdf");
                    w.WriteString("name", "pbkdf2-hmac-sha256");
                    w.WriteNumber("iterations", Iterations);
                    w.WriteBase64String("salt", salt);
                    w.WriteEndObject();
                    w.WriteStartObject("cipher");
                    w.WriteString("name", "aes-256-gcm");
                    w.WriteBase64String("nonce", nonce);
                    w.WriteBase64String("tag", tag);
                    w.WriteEndObject();
                    w.WriteBase64String("sealedKey", ciphertext);
                }

                w.WriteEndObject();
            }

            return buffer.ToArray();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(d);
        }
    }

    private static LedgerKey Deserialize(byte[] json, string path, string? passphrase)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            var did = root.GetProperty("did").GetString() ?? string.Empty;
            byte[] d;
            if (root.TryGetProperty("privateKey", out var plain))
            {
                d = plain.GetBytesFromBase64();
            }
            else
            {
                if (string.IsNullOrEmpty(passphrase))
                {
                    throw new CairnException(ErrorCode.InvalidArgument, $"The key {path} is sealed with a passphrase.")
                    {
                        Hint = "Give the passphrase (--passphrase-env VAR names an environment variable holding it).",
                    };
                }

                var kdf = root.GetProperty("kdf");
                var cipher = root.GetProperty("cipher");
                if (kdf.GetProperty("name").GetString() != "pbkdf2-hmac-sha256" || cipher.GetProperty("name").GetString() != "aes-256-gcm")
                {
                    throw new CairnException(ErrorCode.Unsupported, $"The key {path} uses a KDF or cipher this version does not know.");
                }

                var aesKey = DeriveKey(passphrase, kdf.GetProperty("salt").GetBytesFromBase64(), kdf.GetProperty("iterations").GetInt32());
                var sealedKey = root.GetProperty("sealedKey").GetBytesFromBase64();
                var tag = cipher.GetProperty("tag").GetBytesFromBase64();
                d = new byte[sealedKey.Length];
                try
                {
                    using var aes = new AesGcm(aesKey, tag.Length);
                    aes.Decrypt(cipher.GetProperty("nonce").GetBytesFromBase64(), sealedKey, tag, d, Encoding.UTF8.GetBytes(did));
                }
                catch (AuthenticationTagMismatchException)
                {
                    throw new CairnException(ErrorCode.InvalidArgument, $"Wrong passphrase for {path} (or the file was altered).");
                }
                finally
                {
                    CryptographicOperations.ZeroMemory(aesKey);
                }
            }

            var key = LedgerKey.FromPrivateScalar(d);
            CryptographicOperations.ZeroMemory(d);
            if (key.Did.Text != did)
            {
                key.Dispose();
                throw new CairnException(ErrorCode.IntegrityViolation, $"The key file {path} names {did} but holds the key of {key.Did.Text}.");
            }

            return key;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or FormatException or InvalidOperationException)
        {
            throw new CairnException(ErrorCode.InvalidInput, $"The key file {path} is not a Cairn key file: {e.Message}", e);
        }
    }

    private static byte[] DeriveKey(string passphrase, byte[] salt, int iterations)
    {
        if (iterations < 1)
        {
            throw new CairnException(ErrorCode.InvalidInput, "The key file's KDF iteration count is not positive.");
        }

        return Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(passphrase), salt, iterations, HashAlgorithmName.SHA256, 32);
    }

    private static void ValidateName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 64 || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')) || name[0] == '.')
        {
            throw new CairnException(ErrorCode.InvalidArgument, $"'{name}' is not a valid key name.")
            {
                Hint = "Use up to 64 letters, digits, '-', '_' or '.', not starting with '.'.",
            };
        }
    }
}
