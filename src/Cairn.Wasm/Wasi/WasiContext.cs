using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Cairn.Wasm.Runtime;

namespace Cairn.Wasm.Wasi;

/// <summary>
/// WASI preview1 (<c>wasi_snapshot_preview1</c>) for one run: the fd table, clocks, randomness and the
/// host functions bound to a module's imports. Files are reachable only below preopened directories.
/// </summary>
internal sealed partial class WasiContext : IDisposable
{
    public const string ModuleName = "wasi_snapshot_preview1";

    // errno values of WASI preview1.
    internal const int Success = 0, E2Big = 1, EAcces = 2, EBadf = 8, EExist = 20, EFault = 21, EInval = 28, EIo = 29,
        EIsDir = 31, ELoop = 32, ENameTooLong = 37, ENoent = 44, ENoSys = 52, ENotDir = 54, ENotEmpty = 55, ENotSup = 58,
        EPerm = 63, ERofs = 69, ESpipe = 70, ENotCapable = 76;

    private readonly WasiConfig _config;
    private readonly Dictionary<int, FdEntry> _fds = [];
    private readonly ulong[] _rng = new ulong[4];
    private WasmMemory? _memory;
    private long _clockTicks;

    public WasiContext(WasiConfig config)
    {
        _config = config;
        _fds[0] = new FdEntry(FdKind.Stdin) { Stream = config.Stdin ?? Stream.Null };
        _fds[1] = new FdEntry(FdKind.Stdout) { Stream = config.Stdout ?? Stream.Null };
        _fds[2] = new FdEntry(FdKind.Stdout) { Stream = config.Stderr ?? Stream.Null };
        var fd = 3;
        foreach (var p in config.Preopens)
        {
            var host = Path.GetFullPath(p.HostPath);
            if (!Directory.Exists(host))
            {
                throw new CairnException(ErrorCode.NotFound, $"preopened directory {p.HostPath} does not exist")
                {
                    Hint = "Pass an existing directory with --dir HOST:GUEST.",
                };
            }

            _fds[fd++] = new FdEntry(FdKind.Directory) { HostPath = host, GuestPath = p.GuestPath, IsPreopen = true, ReadOnly = p.ReadOnly };
        }

        var seed = SHA256.HashData(BitConverter.GetBytes(config.RandomSeed));
        for (var i = 0; i < 4; i++)
        {
            _rng[i] = BinaryPrimitives.ReadUInt64LittleEndian(seed.AsSpan(i * 8));
        }
    }

    internal enum FdKind
    {
        Stdin,
        Stdout,
        File,
        Directory,
    }

    internal sealed class FdEntry(FdKind kind)
    {
        public FdKind Kind { get; } = kind;

        public Stream? Stream { get; set; }

        public string HostPath { get; set; } = "";

        public string GuestPath { get; set; } = "";

        public bool IsPreopen { get; set; }

        /// <summary>Below a read-only preopen: nothing reached through this fd may be changed.</summary>
        public bool ReadOnly { get; set; }

        public bool Append { get; set; }
    }

    /// <summary>Set once the instance exists: WASI reads and writes the module's exported memory.</summary>
    public void AttachMemory(WasmMemory? memory) => _memory = memory;

    /// <summary>Binds every <c>wasi_snapshot_preview1</c> import of <paramref name="module"/>; unknown functions return ENOSYS.</summary>
    public void Bind(WasmModule module, WasmImports imports)
    {
        foreach (var imp in module.Imports)
        {
            if (imp.Module != ModuleName || imp.Function is null)
            {
                continue;
            }

            var name = imp.Name;
            var type = imp.Function;
            Func<WasmValue[], int>? impl = Lookup(name);
            if (name == "proc_exit")
            {
                imports.Add(ModuleName, name, new HostFunction(type, a => throw new WasiExitException(a[0].I32)));
                continue;
            }

            if (type.Results.Length != 1 || type.Results[0] != ValType.I32)
            {
                throw new CairnException(ErrorCode.InvalidInput, $"link error: WASI import {name} has an unexpected type {type}");
            }

            impl ??= _ => ENoSys;
            imports.Add(ModuleName, name, new HostFunction(type, a =>
            {
                int errno;
                try
                {
                    errno = impl(a);
                }
                catch (WasiFault)
                {
                    errno = EFault;
                }
                catch (FileNotFoundException)
                {
                    errno = ENoent;
                }
                catch (DirectoryNotFoundException)
                {
                    errno = ENoent;
                }
                catch (UnauthorizedAccessException)
                {
                    errno = EAcces;
                }
                catch (IOException)
                {
                    errno = EIo;
                }

                return [WasmValue.FromI32(errno)];
            }));
        }
    }

    private Func<WasmValue[], int>? Lookup(string name) => name switch
    {
        "args_sizes_get" => a => SizesGet(_config.Args, a),
        "args_get" => a => StringsGet(_config.Args, a),
        "environ_sizes_get" => a => SizesGet(_config.Env, a),
        "environ_get" => a => StringsGet(_config.Env, a),
        "clock_res_get" => a => { WriteU64(U(a, 1), 1000); return Success; },
        "clock_time_get" => a => ClockTimeGet(a[0].I32, U(a, 2)),
        "random_get" => a => RandomGet(U(a, 0), U(a, 1)),
        "sched_yield" => _ => Success,
        "poll_oneoff" => PollOneoff,
        "proc_raise" => _ => ENoSys,
        "fd_write" => a => FdWrite(a[0].I32, U(a, 1), U(a, 2), U(a, 3), null),
        "fd_pwrite" => a => FdWrite(a[0].I32, U(a, 1), U(a, 2), U(a, 4), a[3].I64),
        "fd_read" => a => FdRead(a[0].I32, U(a, 1), U(a, 2), U(a, 3), null),
        "fd_pread" => a => FdRead(a[0].I32, U(a, 1), U(a, 2), U(a, 4), a[3].I64),
        "fd_close" => a => FdClose(a[0].I32),
        "fd_seek" => a => FdSeek(a[0].I32, a[1].I64, a[2].I32, U(a, 3)),
        "fd_tell" => a => FdSeek(a[0].I32, 0, 1, U(a, 1)),
        "fd_sync" or "fd_datasync" => a => FdSync(a[0].I32),
        "fd_fdstat_get" => a => FdFdstatGet(a[0].I32, U(a, 1)),
        "fd_fdstat_set_flags" => a => FdSetFlags(a[0].I32, a[1].I32),
        "fd_filestat_get" => a => FdFilestatGet(a[0].I32, U(a, 1)),
        "fd_filestat_set_size" => a => FdSetSize(a[0].I32, a[1].I64),
        "fd_prestat_get" => a => PrestatGet(a[0].I32, U(a, 1)),
        "fd_prestat_dir_name" => a => PrestatDirName(a[0].I32, U(a, 1), U(a, 2)),
        "fd_readdir" => a => FdReaddir(a[0].I32, U(a, 1), U(a, 2), a[3].I64, U(a, 4)),
        "fd_renumber" => a => FdRenumber(a[0].I32, a[1].I32),
        "fd_advise" or "fd_allocate" or "fd_filestat_set_times" => a => Get(a[0].I32) is null ? EBadf : Success,
        "path_open" => a => PathOpen(a[0].I32, a[1].I32, ReadString(U(a, 2), U(a, 3)), a[4].I32, a[5].I64, a[7].I32, U(a, 8)),
        "path_create_directory" => a => PathCreateDirectory(a[0].I32, ReadString(U(a, 1), U(a, 2))),
        "path_remove_directory" => a => PathRemoveDirectory(a[0].I32, ReadString(U(a, 1), U(a, 2))),
        "path_unlink_file" => a => PathUnlinkFile(a[0].I32, ReadString(U(a, 1), U(a, 2))),
        "path_rename" => a => PathRename(a[0].I32, ReadString(U(a, 1), U(a, 2)), a[3].I32, ReadString(U(a, 4), U(a, 5))),
        "path_filestat_get" => a => PathFilestatGet(a[0].I32, ReadString(U(a, 2), U(a, 3)), U(a, 4)),
        "path_readlink" => a => PathReadlink(a[0].I32, ReadString(U(a, 1), U(a, 2)), U(a, 3), U(a, 4), U(a, 5)),
        "path_symlink" or "path_link" => _ => EPerm,
        "path_filestat_set_times" => _ => Success,
        _ => null,
    };

    private static uint U(WasmValue[] a, int i) => (uint)a[i].I32;

    private sealed class WasiFault : Exception
    {
        public WasiFault()
            : base("guest pointer out of bounds")
        {
        }
    }

    private Span<byte> Mem(uint ptr, uint len)
    {
        var bytes = _memory?.Bytes ?? throw new WasiFault();
        if ((ulong)ptr + len > (ulong)bytes.Length)
        {
            throw new WasiFault();
        }

        return bytes.AsSpan((int)ptr, (int)len);
    }

    private void WriteU32(uint ptr, uint v) => BinaryPrimitives.WriteUInt32LittleEndian(Mem(ptr, 4), v);

    private void WriteU64(uint ptr, ulong v) => BinaryPrimitives.WriteUInt64LittleEndian(Mem(ptr, 8), v);

    private uint ReadU32(uint ptr) => BinaryPrimitives.ReadUInt32LittleEndian(Mem(ptr, 4));

    private string ReadString(uint ptr, uint len) => Encoding.UTF8.GetString(Mem(ptr, len));

    private int SizesGet(IReadOnlyList<string> items, WasmValue[] a)
    {
        WriteU32(U(a, 0), (uint)items.Count);
        WriteU32(U(a, 1), (uint)items.Sum(s => Encoding.UTF8.GetByteCount(s) + 1));
        return Success;
    }

    private int StringsGet(IReadOnlyList<string> items, WasmValue[] a)
    {
        var ptrs = U(a, 0);
        var buf = U(a, 1);
        foreach (var s in items)
        {
            WriteU32(ptrs, buf);
            ptrs += 4;
            var bytes = Encoding.UTF8.GetBytes(s + "\0");
            bytes.CopyTo(Mem(buf, (uint)bytes.Length));
            buf += (uint)bytes.Length;
        }

        return Success;
    }

    private int ClockTimeGet(int id, uint resultPtr)
    {
        if (id is < 0 or > 3)
        {
            return EInval;
        }

        ulong ns;
        if (_config.AllowHostTime)
        {
            ns = id == 0
                ? (ulong)((DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks * 100)
                : (ulong)(System.Diagnostics.Stopwatch.GetTimestamp() * (1_000_000_000.0 / System.Diagnostics.Stopwatch.Frequency));
        }
        else
        {
            // Deterministic: every reading advances the virtual clock by 1 µs.
            _clockTicks++;
            ns = (ulong)((id == 0 ? _config.ClockStart : 0) + (_clockTicks * 1000));
        }

        WriteU64(resultPtr, ns);
        return Success;
    }

    private int RandomGet(uint ptr, uint len)
    {
        var span = Mem(ptr, len);
        if (_config.AllowHostRandom)
        {
            RandomNumberGenerator.Fill(span);
            return Success;
        }

        for (var i = 0; i < span.Length; i++)
        {
            span[i] = (byte)NextRandom();
        }

        return Success;
    }

    /// <summary>xoshiro256** seeded from SHA-256 of the seed: the same bytes on every machine.</summary>
    private ulong NextRandom()
    {
        var s = _rng;
        var result = ulong.RotateLeft(s[1] * 5, 7) * 9;
        var t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = ulong.RotateLeft(s[3], 45);
        return result;
    }

    private int PollOneoff(WasmValue[] a)
    {
        var input = U(a, 0);
        var output = U(a, 1);
        var n = U(a, 2);
        if (n == 0)
        {
            return EInval;
        }

        ulong minTimeout = ulong.MaxValue;
        for (uint i = 0; i < n; i++)
        {
            var sub = input + (i * 48);
            var userdata = BinaryPrimitives.ReadUInt64LittleEndian(Mem(sub, 8));
            var tag = Mem(sub + 8, 1)[0];
            var ev = output + (i * 32);
            Mem(ev, 32).Clear();
            WriteU64(ev, userdata);
            Mem(ev + 10, 1)[0] = tag;
            if (tag == 0)
            {
                var timeout = BinaryPrimitives.ReadUInt64LittleEndian(Mem(sub + 24, 8));
                minTimeout = Math.Min(minTimeout, timeout);
            }
        }

        if (minTimeout != ulong.MaxValue)
        {
            if (_config.AllowHostTime)
            {
                Thread.Sleep(TimeSpan.FromMilliseconds(Math.Min(minTimeout / 1_000_000.0, 10_000)));
            }
            else
            {
                _clockTicks += (long)Math.Min(minTimeout / 1000, long.MaxValue / 4);
            }
        }

        WriteU32(U(a, 3), n);
        return Success;
    }

    public void Dispose()
    {
        foreach (var fd in _fds.Values)
        {
            if (fd.Kind == FdKind.File)
            {
                fd.Stream?.Dispose();
            }
        }

        _fds.Clear();
    }
}
