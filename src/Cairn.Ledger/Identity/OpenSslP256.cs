using System.Runtime.InteropServices;

namespace Cairn.Ledger.Identity;

/// <summary>
/// ES256 verification straight through libcrypto's <c>ECDSA_do_verify</c> on a kept <c>EC_KEY</c>.
/// </summary>
/// <remarks>
/// .NET's <see cref="System.Security.Cryptography.ECDsa"/> on Linux verifies through the same
/// OpenSSL, but re-encodes the signature as DER and sets up an EVP context on every call; replay
/// verifies one signature per transaction, and skipping that per-call setup is ~15% of the
/// verification cost here (bench/ledger-bench.sh). Only the EC arithmetic OpenSSL already runs for
/// .NET is used; where libcrypto cannot be loaded (not Linux, no OpenSSL 3 or 1.1),
/// <see cref="IsAvailable"/> is false and <see cref="SignatureVerifier"/> uses <c>ECDsa</c>.
/// Tests check both paths agree on valid, tampered and malformed signatures.
/// </remarks>
internal static unsafe class OpenSslP256
{
    // NID_X9_62_prime256v1 in OpenSSL's obj_mac.h.
    private const int NidP256 = 415;

    private static readonly delegate* unmanaged<int, nint> s_ecKeyNewByCurveName;
    private static readonly delegate* unmanaged<nint, void> s_ecKeyFree;
    private static readonly delegate* unmanaged<nint, nint> s_ecKeyGet0Group;
    private static readonly delegate* unmanaged<nint, nint> s_ecPointNew;
    private static readonly delegate* unmanaged<nint, void> s_ecPointFree;
    private static readonly delegate* unmanaged<nint, nint, nint, nint, nint, int> s_ecPointSetAffineCoordinates;
    private static readonly delegate* unmanaged<nint, nint, int> s_ecKeySetPublicKey;
    private static readonly delegate* unmanaged<byte*, int, nint, nint> s_bnBin2Bn;
    private static readonly delegate* unmanaged<nint, void> s_bnFree;
    private static readonly delegate* unmanaged<nint> s_ecdsaSigNew;
    private static readonly delegate* unmanaged<nint, void> s_ecdsaSigFree;
    private static readonly delegate* unmanaged<nint, nint, nint, int> s_ecdsaSigSet0;
    private static readonly delegate* unmanaged<byte*, int, nint, nint, int> s_ecdsaDoVerify;
    private static readonly delegate* unmanaged<void> s_errClearError;

#pragma warning disable CA1810 // The exports are resolved together or not at all: a static constructor says so best.
    static OpenSslP256()
#pragma warning restore CA1810
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("CAIRN_LEDGER_NATIVE_VERIFY") == "0")
        {
            return;
        }

        nint lib = 0;
        foreach (var name in new[] { "libcrypto.so.3", "libcrypto.so.1.1" })
        {
            if (NativeLibrary.TryLoad(name, out lib))
            {
                break;
            }
        }

        if (lib == 0)
        {
            return;
        }

        nint Get(string export) => NativeLibrary.TryGetExport(lib, export, out var p) ? p : 0;
        var exports = new[]
        {
            Get("EC_KEY_new_by_curve_name"), Get("EC_KEY_free"), Get("EC_KEY_get0_group"),
            Get("BN_bin2bn"), Get("BN_free"), Get("ECDSA_SIG_new"), Get("ECDSA_SIG_free"), Get("ECDSA_SIG_set0"),
            Get("ECDSA_do_verify"), Get("ERR_clear_error"), Get("EC_POINT_new"), Get("EC_POINT_free"),
            Get("EC_POINT_set_affine_coordinates"), Get("EC_KEY_set_public_key"),
        };
        if (Array.IndexOf(exports, (nint)0) >= 0)
        {
            return;
        }

        s_ecKeyNewByCurveName = (delegate* unmanaged<int, nint>)exports[0];
        s_ecKeyFree = (delegate* unmanaged<nint, void>)exports[1];
        s_ecKeyGet0Group = (delegate* unmanaged<nint, nint>)exports[2];
        s_bnBin2Bn = (delegate* unmanaged<byte*, int, nint, nint>)exports[3];
        s_bnFree = (delegate* unmanaged<nint, void>)exports[4];
        s_ecdsaSigNew = (delegate* unmanaged<nint>)exports[5];
        s_ecdsaSigFree = (delegate* unmanaged<nint, void>)exports[6];
        s_ecdsaSigSet0 = (delegate* unmanaged<nint, nint, nint, int>)exports[7];
        s_ecdsaDoVerify = (delegate* unmanaged<byte*, int, nint, nint, int>)exports[8];
        s_errClearError = (delegate* unmanaged<void>)exports[9];
        s_ecPointNew = (delegate* unmanaged<nint, nint>)exports[10];
        s_ecPointFree = (delegate* unmanaged<nint, void>)exports[11];
        s_ecPointSetAffineCoordinates = (delegate* unmanaged<nint, nint, nint, nint, nint, int>)exports[12];
        s_ecKeySetPublicKey = (delegate* unmanaged<nint, nint, int>)exports[13];
        IsAvailable = true;
    }

    /// <summary>True when libcrypto was loaded and has every function used here.</summary>
    public static bool IsAvailable { get; }

    /// <summary>
    /// Imports a public key from its affine coordinates (32 bytes each); null when the point is not
    /// on the curve (or libcrypto is unavailable).
    /// </summary>
    /// <remarks>
    /// <c>EC_POINT_set_affine_coordinates</c> checks that the point lies on the curve. The key is
    /// then set with <c>EC_KEY_set_public_key</c> rather than
    /// <c>EC_KEY_set_public_key_affine_coordinates</c>, whose extra <c>EC_KEY_check_key</c> multiplies
    /// the point by the group order: for P-256 (cofactor 1) every point on the curve has that order,
    /// so the check is redundant, and it made an import cost more than a verification (93 µs against
    /// 14 µs here). Replay imports every signer's key on every core, so that mattered.
    /// </remarks>
    public static EcKeyHandle? ImportPublicKey(ReadOnlySpan<byte> x, ReadOnlySpan<byte> y)
    {
        if (!IsAvailable || x.Length != 32 || y.Length != 32)
        {
            return null;
        }

        var key = s_ecKeyNewByCurveName(NidP256);
        if (key == 0)
        {
            s_errClearError();
            return null;
        }

        var group = s_ecKeyGet0Group(key);
        var point = group == 0 ? 0 : s_ecPointNew(group);
        nint bx, by;
        fixed (byte* px = x)
        fixed (byte* py = y)
        {
            bx = s_bnBin2Bn(px, 32, 0);
            by = s_bnBin2Bn(py, 32, 0);
        }

        // EC_KEY_set_public_key copies the point, so ours is freed either way.
        var ok = point != 0 && bx != 0 && by != 0
            && s_ecPointSetAffineCoordinates(group, point, bx, by, 0) == 1
            && s_ecKeySetPublicKey(key, point) == 1;
        if (point != 0)
        {
            s_ecPointFree(point);
        }

        if (bx != 0)
        {
            s_bnFree(bx);
        }

        if (by != 0)
        {
            s_bnFree(by);
        }

        if (!ok)
        {
            s_errClearError();
            s_ecKeyFree(key);
            return null;
        }

        return new EcKeyHandle(key);
    }

    /// <summary>
    /// Verifies a 64-byte r ‖ s signature of a SHA-256 digest. OpenSSL rejects r or s outside
    /// [1, n−1]; the low-S rule is the caller's (<see cref="P256.IsLowS"/>).
    /// </summary>
    public static bool VerifyDigest(EcKeyHandle key, ReadOnlySpan<byte> digest, ReadOnlySpan<byte> signature)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (signature.Length != P256.SignatureLength || digest.Length != 32)
        {
            return false;
        }

        var added = false;
        var sig = s_ecdsaSigNew();
        if (sig == 0)
        {
            s_errClearError();
            return false;
        }

        try
        {
            key.DangerousAddRef(ref added);
            fixed (byte* ps = signature)
            fixed (byte* pd = digest)
            {
                var r = s_bnBin2Bn(ps, 32, 0);
                var s = s_bnBin2Bn(ps + 32, 32, 0);
                if (r == 0 || s == 0 || s_ecdsaSigSet0(sig, r, s) != 1)
                {
                    // Not owned by sig unless set0 succeeded.
                    if (r != 0)
                    {
                        s_bnFree(r);
                    }

                    if (s != 0)
                    {
                        s_bnFree(s);
                    }

                    s_errClearError();
                    return false;
                }

                // 1 valid, 0 invalid, -1 error (e.g. r or s out of range): only 1 is a yes.
                var result = s_ecdsaDoVerify(pd, 32, sig, key.DangerousGetHandle());
                if (result != 1)
                {
                    s_errClearError();
                }

                return result == 1;
            }
        }
        finally
        {
            s_ecdsaSigFree(sig);
            if (added)
            {
                key.DangerousRelease();
            }
        }
    }

    /// <summary>An owned <c>EC_KEY*</c>, freed when released.</summary>
    internal sealed class EcKeyHandle : SafeHandle
    {
        public EcKeyHandle(nint key)
            : base(0, ownsHandle: true) => SetHandle(key);

        public override bool IsInvalid => handle == 0;

        protected override bool ReleaseHandle()
        {
            s_ecKeyFree(handle);
            return true;
        }
    }
}
