using Cairn.ApiModels;
using Cairn.Content.Car;
using Cairn.Content.Storage;
using Cairn.Multiformats;

namespace Cairn.Client;

public sealed partial class CairnClient
{
    /// <summary>Writes a file's content (<c>CID</c> or <c>CID</c> + <paramref name="path"/> inside a directory) to <paramref name="destination"/>.</summary>
    public async Task CatAsync(string cid, Stream destination, string? path = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var q = path is null ? string.Empty : "?path=" + Uri.EscapeDataString(path);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"api/v1/content/{Escape(cid)}{q}");
        using var response = await SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.Content.Headers.ContentType?.MediaType == "application/json")
        {
            throw new CairnException(ErrorCode.InvalidArgument, $"{cid}{(path is null ? string.Empty : "/" + path)} is a directory, not a file.") { Hint = "List it with ListContentAsync, or download it as a CAR." };
        }

        await CopyBodyAsync(response, destination, cid, cancellationToken);
    }

    /// <summary>The entries of a directory.</summary>
    public Task<ListResponse<ContentEntryView>> ListContentAsync(string cid, string? path = null, CancellationToken cancellationToken = default)
    {
        var q = path is null ? string.Empty : "?path=" + Uri.EscapeDataString(path);
        return GetJsonAsync($"api/v1/content/{Escape(cid)}{q}", ApiJsonContext.Default.ListResponseContentEntryView, cancellationToken);
    }

    /// <summary>One block from the trustless gateway, checked against its CID.</summary>
    public async Task<byte[]> GetBlockAsync(Cid cid, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cid);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"ipfs/{cid}?format=raw");
        using var response = await SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        var block = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return cid.Verifies(block)
            ? block
            : throw new CairnException(ErrorCode.IntegrityViolation, $"The block the node sent for {cid} does not hash to it.") { Hint = "The node's store may be damaged; try another node." };
    }

    /// <summary>
    /// Downloads the DAG under <paramref name="cid"/> (or under <paramref name="path"/> inside it) as
    /// a CARv1 to <paramref name="destination"/>, unverified: use <see cref="ImportCarAsync"/> to
    /// check every block while storing it.
    /// </summary>
    public async Task GetCarAsync(string cid, Stream destination, string? path = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        using var response = await OpenCarAsync(cid, path, cancellationToken);
        await CopyBodyAsync(response, destination, cid, cancellationToken);
    }

    /// <summary>
    /// Fetches the DAG under <paramref name="cid"/> as a CAR and imports it into
    /// <paramref name="repo"/>: every block is hashed against its CID as it arrives, the CAR must
    /// be rooted at the CID asked for, and (with <paramref name="pin"/>) the DAG must be complete.
    /// A truncated or lying answer fails and pins nothing.
    /// </summary>
    public async Task<CarImportResult> ImportCarAsync(string cid, ContentRepo repo, bool pin = true, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(repo);
        var expected = Cid.TryParse(cid, out var parsed)
            ? parsed
            : throw new CairnException(ErrorCode.InvalidArgument, $"'{cid}' is not a CID.") { Hint = "A CID looks like bafy... (v1) or Qm... (v0)." };
        using var response = await OpenCarAsync(cid, null, cancellationToken);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        CarImportResult result;
        try
        {
            result = await CarImporter.ImportAsync(body, repo, pin: false, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            throw new CairnException(ErrorCode.IoError, $"The CAR for {cid} from {BaseAddress} was cut off: {e.Message}", e) { Hint = "Try again; the node may have lost a block or the connection dropped." };
        }

        if (result.Roots.Count != 1 || !result.Roots[0].Equals(expected))
        {
            throw new CairnException(ErrorCode.IntegrityViolation, $"The CAR the node sent for {cid} is rooted at {string.Join(", ", result.Roots)}.");
        }

        // A CAR may be well-formed yet leave blocks out: walk the DAG so a gap is reported here, by CID.
        await repo.EnsurePresentAsync(expected, PinMode.Recursive, cancellationToken);
        if (pin)
        {
            await repo.Pins.AddAsync(expected, PinMode.Recursive, null, cancellationToken);
        }

        return result with { Pinned = pin };
    }

    // The node cuts the connection when a block turns out missing or damaged mid-stream.
    private async Task CopyBodyAsync(HttpResponseMessage response, Stream destination, string what, CancellationToken cancellationToken)
    {
        try
        {
            await response.Content.CopyToAsync(destination, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
        {
            throw new CairnException(ErrorCode.IoError, $"The download of {what} from {BaseAddress} was cut off: {e.Message}", e) { Hint = "The node may have lost or damaged a block (its log says which), or the connection dropped; try again." };
        }
    }

    private async Task<HttpResponseMessage> OpenCarAsync(string cid, string? path, CancellationToken cancellationToken)
    {
        var trimmed = path?.Trim('/');
        var target = string.IsNullOrEmpty(trimmed) ? Escape(cid) : Escape(cid) + "/" + string.Join('/', trimmed.Split('/').Select(Escape));
        using var request = new HttpRequestMessage(HttpMethod.Get, $"ipfs/{target}?format=car");
        request.Headers.Accept.ParseAdd("application/vnd.ipld.car");
        return await SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
    }
}
