using Cairn.ApiModels;

namespace Cairn.Client;

/// <summary>Replicated pins (<c>cairn pin add --replicas</c>, <c>cairn pin status</c>, <c>cairn pin rm --network</c>).</summary>
public sealed partial class CairnClient
{
    /// <summary>Keeps <paramref name="replicas"/> copies of <paramref name="cid"/> across the orchestrator's nodes.</summary>
    public async Task<ReplicaView> AddReplicasAsync(string cid, int replicas, string? name = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(cid);
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/replicas")
        {
            Content = JsonContent(new PinReplicasRequest { Cid = cid, Replicas = replicas, Name = name }, ApiJsonContext.Default.PinReplicasRequest),
        };
        return await SendJsonAsync(request, ApiJsonContext.Default.ReplicaView, cancellationToken);
    }

    /// <summary>A replicated pin: copies wanted, holders, repair status (404 problem when there is none).</summary>
    public Task<ReplicaView> GetReplicasAsync(string cid, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(cid);
        return GetJsonAsync($"api/v1/replicas/{Escape(cid)}", ApiJsonContext.Default.ReplicaView, cancellationToken);
    }

    /// <summary>Every replicated pin.</summary>
    public Task<ListResponse<ReplicaView>> ListReplicasAsync(CancellationToken cancellationToken = default) =>
        GetJsonAsync("api/v1/replicas", ApiJsonContext.Default.ListResponseReplicaView, cancellationToken);

    /// <summary>Stops replicating <paramref name="cid"/>; connected holders drop their replica pins.</summary>
    public async Task<ReplicaView> RemoveReplicasAsync(string cid, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(cid);
        using var request = new HttpRequestMessage(HttpMethod.Delete, $"api/v1/replicas/{Escape(cid)}");
        return await SendJsonAsync(request, ApiJsonContext.Default.ReplicaView, cancellationToken);
    }
}
