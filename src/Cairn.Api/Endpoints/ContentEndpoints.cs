using Cairn.ApiModels;
using Cairn.Content.Car;
using Cairn.Content.UnixFs;
using Cairn.Multiformats;
using Cairn.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Cairn.Api.Endpoints;

/// <summary>
/// <c>/api/v1/content/{cid}?path=</c> (a file's bytes, or a directory's listing as JSON) and the
/// trustless gateway <c>/ipfs/{cid}[/path]</c>: <c>?format=raw</c> (or <c>Accept:
/// application/vnd.ipld.raw</c>) answers the one block, <c>?format=car</c> (<c>application/vnd.ipld.car</c>)
/// the whole DAG as a CARv1 in <c>ipfs dag export</c> order, so a client can verify every block it
/// receives. Every block is verified against its CID as it is read from the store.
/// </summary>
internal static class ContentEndpoints
{
    public const string RawType = "application/vnd.ipld.raw";
    public const string CarType = "application/vnd.ipld.car";

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(ApiRoutes.V1 + "/content/{cid}", CatAsync)
            .WithTags("Content")
            .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream")
            .Produces<ListResponse<ContentEntryView>>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("A file's content, or a directory's entries");
        endpoints.MapGet("/ipfs/{cid}/{**path}", GatewayAsync)
            .WithTags("Gateway")
            .Produces(StatusCodes.Status200OK, contentType: RawType)
            .Produces(StatusCodes.Status200OK, contentType: CarType)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Trustless gateway: ?format=raw for a block, ?format=car for a DAG");
    }

    private static async Task<IResult> CatAsync(HttpContext context, string cid, string? path) =>
        await ServeContentAsync(context, cid, path);

    private static async Task<IResult> GatewayAsync(HttpContext context, string cid, string? path, string? format)
    {
        var wanted = format?.ToLowerInvariant() switch
        {
            null or "" => FromAccept(context.Request.Headers.Accept.ToString()),
            "raw" => RawType,
            "car" => CarType,
            _ => throw new CairnException(ErrorCode.InvalidArgument, $"format '{format}' is not supported.") { Hint = "Use ?format=raw or ?format=car." },
        };
        if (wanted is null)
        {
            return await ServeContentAsync(context, cid, path);
        }

        var blocks = ApiServices.Blocks(context);
        var root = ParseCid(cid);
        var target = await ResolveAsync(blocks, root, path, context.RequestAborted);
        context.Response.Headers["X-Ipfs-Path"] = "/ipfs/" + root + (string.IsNullOrEmpty(path) ? string.Empty : "/" + path.Trim('/'));
        context.Response.Headers["X-Ipfs-Roots"] = target.ToString();
        context.Response.Headers.XContentTypeOptions = "nosniff";
        context.Response.Headers.CacheControl = "public, max-age=29030400, immutable";
        if (wanted == RawType)
        {
            var block = await blocks.GetAsync(target, context.RequestAborted);
            context.Response.Headers.ContentDisposition = $"attachment; filename=\"{target}.bin\"";
            return Results.Bytes(block ?? throw NotHere(target), RawType);
        }

        // Check the root is here before the 200 goes out: a missing block later can only cut the stream.
        if (!await blocks.HasAsync(target, context.RequestAborted))
        {
            throw NotHere(target);
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = CarType + "; version=1; order=dfs; dups=n";
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"{target}.car\"";
        await CarWriter.ExportAsync([target], blocks, context.Response.Body, context.RequestAborted);
        return Results.Empty;
    }

    private static async Task<IResult> ServeContentAsync(HttpContext context, string cid, string? path)
    {
        var blocks = ApiServices.Blocks(context);
        var target = await ResolveAsync(blocks, ParseCid(cid), path, context.RequestAborted);
        var exporter = new UnixFsExporter(blocks);
        if (target.Codec == Multicodec.DagPb)
        {
            // A directory is listed (the exporter reads and checks the node); anything else falls through to the file reader.
            var entries = new List<ContentEntryView>();
            try
            {
                await foreach (var e in exporter.ListAsync(target, context.RequestAborted))
                {
                    entries.Add(new ContentEntryView { Name = e.Name, Cid = e.Cid.ToString(), Size = e.Size, Type = e.Type.ToString().ToLowerInvariant() });
                }

                return Results.Json(new ListResponse<ContentEntryView> { Items = entries }, ApiJsonContext.Default.ListResponseContentEntryView);
            }
            catch (CairnException e) when (e.Code == ErrorCode.InvalidArgument && entries.Count == 0)
            {
                // Not a directory: serve it as a file below.
            }
        }

        // Read it whole before answering, so a missing or damaged block is a clean 404/422, not a cut stream.
        using var buffer = new MemoryStream();
        await exporter.WriteFileAsync(target, buffer, context.RequestAborted);
        context.Response.Headers.XContentTypeOptions = "nosniff";
        return Results.Bytes(buffer.ToArray(), "application/octet-stream");
    }

    private static async Task<Cid> ResolveAsync(IBlockStore blocks, Cid root, string? path, CancellationToken cancellationToken)
    {
        var trimmed = path?.Trim('/');
        if (string.IsNullOrEmpty(trimmed))
        {
            return root;
        }

        return await new UnixFsExporter(blocks).ResolvePathAsync(root + "/" + trimmed, cancellationToken);
    }

    private static string? FromAccept(string accept) =>
        accept.Contains(CarType, StringComparison.OrdinalIgnoreCase) ? CarType
        : accept.Contains(RawType, StringComparison.OrdinalIgnoreCase) ? RawType
        : null;

    private static CairnException NotHere(Cid cid) =>
        new(ErrorCode.NotFound, $"Block {cid} is not in this node's content store.") { Hint = "Add it with `cairn add`, or ask the node that ran the job." };

    internal static Cid ParseCid(string text) =>
        Cid.TryParse(text, out var cid)
            ? cid
            : throw new CairnException(ErrorCode.InvalidArgument, $"'{text}' is not a CID.") { Hint = "A CID looks like bafy... (v1) or Qm... (v0)." };
}
