using System.Globalization;
using System.Text;
using Cairn.Ledger.Identity;

namespace Cairn.Network.Protocol;

/// <summary>What a hello's signature covers, and its check.</summary>
internal static class HelloSigning
{
    private const string Domain = "cairn/compute-hello/v1";

    /// <summary>
    /// The signed bytes: a domain tag, the orchestrator's nonce, and every hello field in a fixed order,
    /// the node info as the exact JSON text sent (so no re-serialization can change what was signed).
    /// </summary>
    public static byte[] Payload(string nonce, string did, string streamId, string? sessionId, long lastReceived, string? gatewayUrl, string infoJson) =>
        Encoding.UTF8.GetBytes(string.Join(
            '\n',
            Domain,
            nonce,
            did,
            streamId,
            sessionId ?? string.Empty,
            lastReceived.ToString(CultureInfo.InvariantCulture),
            gatewayUrl ?? string.Empty,
            infoJson));

    public static string Sign(LedgerKey key, byte[] payload) => Convert.ToBase64String(key.Sign(payload));

    public static bool Verify(string did, byte[] payload, string signature)
    {
        Span<byte> bytes = stackalloc byte[64];
        return Convert.TryFromBase64String(signature, bytes, out var written)
            && written == 64
            && DidKey.TryParse(did, out _)
            && SignatureVerifier.Verify(did, payload, bytes);
    }
}
