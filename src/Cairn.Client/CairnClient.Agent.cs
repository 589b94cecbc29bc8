using Cairn.ApiModels;
using Cairn.Jobs;
using Cairn.Market;

namespace Cairn.Client;

public sealed partial class CairnClient
{
    /// <summary>Whether the node answers (<see cref="ErrorCode.ServiceUnavailable"/> when nothing listens).</summary>
    public Task<AgentAlive> IsAliveAsync(CancellationToken cancellationToken = default) =>
        GetJsonAsync("api/v1/agent/alive", ApiJsonContext.Default.AgentAlive, cancellationToken);

    /// <summary>The node's version.</summary>
    public Task<AgentVersion> GetVersionAsync(CancellationToken cancellationToken = default) =>
        GetJsonAsync("api/v1/agent/version", ApiJsonContext.Default.AgentVersion, cancellationToken);

    /// <summary>This node's compute info.</summary>
    public Task<NodeInfo> GetNodeAsync(CancellationToken cancellationToken = default) =>
        GetJsonAsync("api/v1/agent/node", ApiJsonContext.Default.NodeInfo, cancellationToken);

    /// <summary>The compute nodes the orchestrator knows.</summary>
    public Task<ListResponse<NodeInfo>> ListNodesAsync(CancellationToken cancellationToken = default) =>
        GetJsonAsync("api/v1/orchestrator/nodes", ApiJsonContext.Default.ListResponseNodeInfo, cancellationToken);

    /// <summary>The ledger's newest block.</summary>
    public Task<LedgerHeadView> GetLedgerHeadAsync(CancellationToken cancellationToken = default) =>
        GetJsonAsync("api/v1/ledger/head", ApiJsonContext.Default.LedgerHeadView, cancellationToken);

    /// <summary>An account's balance and next nonce.</summary>
    public Task<BalanceView> GetBalanceAsync(string account, CancellationToken cancellationToken = default) =>
        GetJsonAsync($"api/v1/ledger/balance/{Escape(account)}", ApiJsonContext.Default.BalanceView, cancellationToken);

    /// <summary>The transactions touching an account.</summary>
    public Task<ListResponse<LedgerEventView>> GetAccountHistoryAsync(string account, CancellationToken cancellationToken = default) =>
        GetJsonAsync($"api/v1/ledger/history/{Escape(account)}", ApiJsonContext.Default.ListResponseLedgerEventView, cancellationToken);

    /// <summary>A deal.</summary>
    public Task<DealView> GetDealAsync(string dealId, CancellationToken cancellationToken = default) =>
        GetJsonAsync($"api/v1/ledger/deals/{Escape(dealId)}", ApiJsonContext.Default.DealView, cancellationToken);

    /// <summary>
    /// Submits a signed transaction (its DAG-CBOR bytes, e.g. <c>TransactionCodec.Encode</c>) to the
    /// node's ledger; returns once the block holding it is durable. A broken rule is a Conflict, bad
    /// bytes or a bad signature InvalidInput, each with the ledger's reason.
    /// </summary>
    public Task<TxReceiptView> SubmitTransactionAsync(ReadOnlyMemory<byte> signedTransaction, CancellationToken cancellationToken = default)
    {
        var content = new ByteArrayContent(signedTransaction.ToArray());
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/vnd.ipld.dag-cbor");
        return SendJsonAsync(new HttpRequestMessage(HttpMethod.Post, "api/v1/ledger/transactions") { Content = content }, ApiJsonContext.Default.TxReceiptView, cancellationToken);
    }

    /// <summary>The providers' offers.</summary>
    public Task<ListResponse<Offer>> ListOffersAsync(CancellationToken cancellationToken = default) =>
        GetJsonAsync("api/v1/ledger/offers", ApiJsonContext.Default.ListResponseOffer, cancellationToken);

    /// <summary>A transaction's signed DAG-CBOR bytes.</summary>
    public Task<TransactionView> GetTransactionAsync(string cid, CancellationToken cancellationToken = default) =>
        GetJsonAsync($"api/v1/ledger/tx/{Escape(cid)}", ApiJsonContext.Default.TransactionView, cancellationToken);
}
