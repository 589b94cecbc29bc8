using System.Text;
using Cairn.Content.DagCbor;
using Cairn.Ledger.Identity;
using Cairn.Ledger.State;
using Cairn.Market;
using Cairn.Multiformats;

namespace Cairn.Ledger.Chain;

/// <summary>
/// The wire form of a transaction: the DAG-CBOR map <c>{type, chain, from, nonce, payload, fee?, expires?, sig}</c>.
/// The signature covers the canonical encoding of the same map without <c>sig</c>; the id is the
/// CIDv1 (dag-cbor, sha2-256) of the whole signed map. <c>chain</c> is a link to the genesis block
/// of the chain the sender meant, so the signature holds on that chain only.
/// </summary>
public static class TransactionCodec
{
    private static readonly (byte[] Utf8, string Text)[] KnownTypes = [.. new[]
    {
        TxTypes.Transfer, TxTypes.Mint, TxTypes.Approve, TxTypes.OfferPublish, TxTypes.OfferUpdate, TxTypes.OfferWithdraw,
        TxTypes.DealOpen, TxTypes.DealSettle, TxTypes.DealFail, TxTypes.DealCancel, TxTypes.DealSlash,
        TxTypes.SubscriptionCreate, TxTypes.SubscriptionClose,
    }.Select(t => (Encoding.UTF8.GetBytes(t), t))];

    [ThreadStatic]
    private static Cid? t_lastChain;

    /// <summary>The canonical bytes the sender signs (the body must name its chain).</summary>
    public static byte[] SigningBytes(TransactionBody body) => DagCbor.Encode(ToMap(body, null));

    /// <summary>
    /// Signs a body for one chain (<see cref="ILedger.Chain"/>, the genesis block's CID) with the
    /// sender's key; the body's <see cref="TransactionBody.Chain"/> is set to <paramref name="chain"/>.
    /// </summary>
    public static SignedTransaction Sign(TransactionBody body, Cid chain, LedgerKey key)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(chain);
        ArgumentNullException.ThrowIfNull(key);
        if (body.From != key.Did.Text)
        {
            throw new CairnException(ErrorCode.InvalidArgument, $"The transaction is from {body.From} but the key is {key.Did.Text}.");
        }

        if (body.Chain is { } named && named != chain)
        {
            throw new CairnException(ErrorCode.InvalidArgument, $"The transaction names chain {named} but is being signed for chain {chain}.");
        }

        var forChain = body with { Chain = chain };
        return new SignedTransaction(forChain, key.Sign(SigningBytes(forChain)));
    }

    /// <summary>The signed transaction's DAG-CBOR bytes.</summary>
    public static byte[] Encode(SignedTransaction tx)
    {
        ArgumentNullException.ThrowIfNull(tx);
        return DagCbor.Encode(ToMap(tx.Body, tx.Signature.ToArray()));
    }

    /// <summary>The transaction's id.</summary>
    public static Cid IdOf(ReadOnlySpan<byte> encoded) => Cid.Compute(1, Multicodec.DagCbor, encoded);

    /// <summary>
    /// Decodes a signed transaction and returns the bytes its signature covers. Strict: only the
    /// canonical encoding is accepted, and unknown fields are rejected, so one transaction has one id.
    /// </summary>
    public static SignedTransaction Decode(ReadOnlySpan<byte> data, out byte[] signingBytes)
    {
        var reader = new DagCborReader(data);
        if (reader.PeekKind() != DagCborKind.Map)
        {
            throw Invalid("it is not a map");
        }

        var count = reader.ReadStartMap();
        var headerLength = reader.Position;
        string? type = null, from = null;
        Cid? chain = null;
        long? nonce = null, fee = null, expires = null;
        Dictionary<string, object?>? payload = null;
        byte[]? sig = null;
        int sigStart = -1, sigEnd = -1;
        for (var i = 0; i < count; i++)
        {
            // Keys are matched as UTF-8 bytes and known values reused: replay decodes every
            // transaction of the chain, and these strings were most of its allocations.
            var keyStart = reader.Position;
            var key = reader.ReadUtf8String();
            if (key.SequenceEqual("type"u8))
            {
                var t = reader.ReadUtf8String();
                type = KnownType(t) ?? Encoding.UTF8.GetString(t);
            }
            else if (key.SequenceEqual("from"u8))
            {
                from = reader.ReadString();
            }
            else if (key.SequenceEqual("chain"u8))
            {
                chain = ChainOf(reader.ReadCidBytes());
            }
            else if (key.SequenceEqual("nonce"u8))
            {
                nonce = reader.ReadInt64();
            }
            else if (key.SequenceEqual("fee"u8))
            {
                fee = reader.ReadInt64();
            }
            else if (key.SequenceEqual("expires"u8))
            {
                expires = reader.ReadInt64();
            }
            else if (key.SequenceEqual("payload"u8))
            {
                payload = DagCbor.Read(ref reader) as Dictionary<string, object?> ?? throw Invalid("payload is not a map");
            }
            else if (key.SequenceEqual("sig"u8))
            {
                sigStart = keyStart;
                sig = reader.ReadBytes().ToArray();
                sigEnd = reader.Position;
            }
            else
            {
                throw Invalid($"unknown field '{Encoding.UTF8.GetString(key)}'");
            }
        }

        reader.ReadEnd();
        if (type is null || chain is null || from is null || nonce is null || payload is null || sig is null)
        {
            throw Invalid("a required field (type, chain, from, nonce, payload, sig) is missing");
        }

        // The unsigned map is the same bytes minus the sig entry, with a count one lower; maps of at
        // most 23 entries have a one-byte header, and a transaction has at most 8.
        signingBytes = new byte[data.Length - (sigEnd - sigStart)];
        signingBytes[0] = (byte)(0xA0 + count - 1);
        data[headerLength..sigStart].CopyTo(signingBytes.AsSpan(1));
        data[sigEnd..].CopyTo(signingBytes.AsSpan(1 + sigStart - headerLength));
        return new SignedTransaction(new TransactionBody(type, from, nonce.Value, payload, fee, expires, chain), sig);
    }

    /// <summary>Checks the signature of a decoded transaction.</summary>
    public static bool VerifySignature(SignedTransaction tx, ReadOnlySpan<byte> signingBytes)
    {
        ArgumentNullException.ThrowIfNull(tx);
        return SignatureVerifier.Verify(tx.Body.From, signingBytes, tx.Signature.Span);
    }

    private static Dictionary<string, object?> ToMap(TransactionBody body, byte[]? sig)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (body.Chain is null)
        {
            throw new CairnException(ErrorCode.InvalidArgument, $"The {body.Type} transaction from {body.From} names no chain.")
            {
                Hint = "Sign it with TransactionCodec.Sign(body, ledger.Chain, key).",
            };
        }

        var map = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["type"] = body.Type,
            ["chain"] = body.Chain,
            ["from"] = body.From,
            ["nonce"] = body.Nonce,
            ["payload"] = body.Payload,
        };
        if (body.Fee is { } fee)
        {
            map["fee"] = fee;
        }

        if (body.Expires is { } expires)
        {
            map["expires"] = expires;
        }

        if (sig is not null)
        {
            map["sig"] = sig;
        }

        return map;
    }

    private static string? KnownType(ReadOnlySpan<byte> utf8)
    {
        foreach (var known in KnownTypes)
        {
            if (utf8.SequenceEqual(known.Utf8))
            {
                return known.Text;
            }
        }

        return null;
    }

    /// <summary>The chain link as a <see cref="Cid"/>, reusing the last one this thread saw (a chain's transactions all name the same).</summary>
    private static Cid ChainOf(ReadOnlySpan<byte> cidBytes)
    {
        if (t_lastChain is { } last && last.Bytes.SequenceEqual(cidBytes))
        {
            return last;
        }

        return t_lastChain = Cid.FromBytes(cidBytes);
    }

    private static CairnException Invalid(string why) => new(ErrorCode.InvalidInput, $"Not a Cairn transaction: {why}.");
}
