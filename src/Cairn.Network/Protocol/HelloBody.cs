using System.Text.Json;

namespace Cairn.Network.Protocol;

/// <summary>
/// The node's hello: who it is (did:key), what it offers (<see cref="Info"/>, a NodeInfo), where its
/// gateway listens, and where to resume (its outgoing stream id, the session it last had and the last
/// seq it received in it), signed with the node key over <see cref="HelloSigning.Payload"/>.
/// </summary>
internal sealed record HelloBody(
    string Did,
    string StreamId,
    string? SessionId,
    long LastReceived,
    string? GatewayUrl,
    JsonElement Info,
    string Signature);
