namespace Cairn.Market;

/// <summary>A transaction body and its ES256 signature (64 bytes r ‖ s, low-S) by <see cref="TransactionBody.From"/>.</summary>
/// <param name="Body">What was signed.</param>
/// <param name="Signature">The signature over the body's DAG-CBOR encoding.</param>
public sealed record SignedTransaction(TransactionBody Body, ReadOnlyMemory<byte> Signature);
