using Cairn.ApiModels;

namespace Cairn.Client;

/// <summary>Remote compute nodes' admission (<c>cairn node list|approve|reject</c>).</summary>
public sealed partial class CairnClient
{
    /// <summary>Remote compute nodes: pending approval, and admitted (connected or not).</summary>
    public Task<ListResponse<ComputeAdmissionView>> ListComputeNodesAsync(CancellationToken cancellationToken = default) =>
        GetJsonAsync("api/v1/compute/nodes", ApiJsonContext.Default.ListResponseComputeAdmissionView, cancellationToken);

    /// <summary>The connected nodes that announced holding <paramref name="cid"/>'s whole DAG (provider records).</summary>
    public Task<ListResponse<ProviderView>> ListProvidersAsync(string cid, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(cid);
        return GetJsonAsync($"api/v1/compute/providers/{Escape(cid)}", ApiJsonContext.Default.ListResponseProviderView, cancellationToken);
    }

    /// <summary>Admits a node (it joins on its next dial).</summary>
    public Task<ComputeAdmissionView> ApproveNodeAsync(string did, CancellationToken cancellationToken = default) => DecideAsync(did, "approve", cancellationToken);

    /// <summary>Refuses a node.</summary>
    public Task<ComputeAdmissionView> RejectNodeAsync(string did, CancellationToken cancellationToken = default) => DecideAsync(did, "reject", cancellationToken);

    private async Task<ComputeAdmissionView> DecideAsync(string did, string decision, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(did);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/v1/compute/nodes/{Escape(did)}/{decision}");
        return await SendJsonAsync(request, ApiJsonContext.Default.ComputeAdmissionView, cancellationToken);
    }
}
