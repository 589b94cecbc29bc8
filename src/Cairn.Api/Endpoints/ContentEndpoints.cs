using Cairn.ApiModels;
using Cairn.Content;
using Cairn.Content.Car;
using Cairn.Content.DagPb;
using Cairn.Content.Exchange;
using Cairn.Content.Storage;
using Cairn.Content.UnixFs;
using Cairn.Multiformats;
using Cairn.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

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
            .ProducesCairnProblem(StatusCodes.Status404NotFound)
            .WithSummary("A file's content, or a directory's entries");
        endpoints.MapGet("/ipfs/{cid}/{**path}", GatewayAsync)
            .WithTags("Gateway")
            .Produces(StatusCodes.Status200OK, contentType: RawType)
            .Produces(StatusCodes.Status200OK, contentType: CarType)
            .ProducesCairnProblem(StatusCodes.Status404NotFound)
            .WithSummary("Trustless gateway: ?format=raw for a block, ?format=car for a DAG");
        endpoints.MapMethods("/ipfs/{cid}/{**path}", [HttpMethods.Head], HeadAsync)
            .WithTags("Gateway")
            .Produces(StatusCodes.Status200OK)
            .ProducesCairnProblem(StatusCodes.Status404NotFound)
            .WithSummary("Whether the gateway has the block the path resolves to (no body)");
    }

    // A client probing a gateway before fetching: resolve the path and check the target is here.
    private static async Task<IResult> HeadAsync(HttpContext context, string cid, string? path, string? format)
    {
        var blocks = ApiServices.Blocks(context);
        var root = ParseCid(cid);
        await FetchIfMissingAsync(context, blocks, root);
        var trail = await TrailAsync(blocks, root, (path ?? string.Empty).Split('/', StringSplitOptions.RemoveEmptyEntries), context.RequestAborted);
        if (!await blocks.HasAsync(trail[^1], context.RequestAborted))
        {
            throw NotHere(trail[^1]);
        }

        context.Response.Headers["X-Ipfs-Roots"] = string.Join(',', trail);
        context.Response.ContentType = format?.ToLowerInvariant() switch
        {
            "raw" => RawType,
            "car" => CarType,
            _ => FromAccept(context.Request.Headers.Accept.ToString()) ?? "application/octet-stream",
        };
        return Results.Empty;
    }

    private static async Task<IResult> CatAsync(HttpContext context, string cid, string? path) =>
        await ServeContentAsync(context, cid, path);

    private static async Task<IResult> GatewayAsync(HttpContext context, string cid, string? path, string? format, [FromQuery(Name = "dag-scope")] string? dagScope)
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

        var scope = dagScope?.ToLowerInvariant() switch
        {
            null or "" or "all" => DagScope.All,
            "block" => DagScope.Block,
            "entity" => DagScope.Entity,
            _ => throw new CairnException(ErrorCode.InvalidArgument, $"dag-scope '{dagScope}' is not one of all, block, entity."),
        };
        var blocks = ApiServices.Blocks(context);
        var root = ParseCid(cid);
        await FetchIfMissingAsync(context, blocks, root);
        var segments = (path ?? string.Empty).Split('/', StringSplitOptions.RemoveEmptyEntries);

        // Resolve first (it reads and verifies each directory on the way) so a bad path is a clean 404.
        var trail = await TrailAsync(blocks, root, segments, context.RequestAborted);
        var target = trail[^1];
        context.Response.Headers["X-Ipfs-Path"] = "/ipfs/" + root + (segments.Length == 0 ? string.Empty : "/" + string.Join('/', segments));
        context.Response.Headers["X-Ipfs-Roots"] = string.Join(',', trail);
        context.Response.Headers.XContentTypeOptions = "nosniff";
        context.Response.Headers.CacheControl = "public, max-age=29030400, immutable";
        if (wanted == RawType)
        {
            var block = await blocks.GetAsync(target, context.RequestAborted);
            context.Response.Headers.ContentDisposition = $"attachment; filename=\"{target}.bin\"";
            return Results.Bytes(block ?? throw NotHere(target), RawType);
        }

        // Check the target is here before the 200 goes out: a missing block later can only cut the stream.
        if (!await blocks.HasAsync(target, context.RequestAborted))
        {
            throw NotHere(target);
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = CarType + "; version=1; order=dfs; dups=n";
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"{target}.car\"";
        await WriteCarAsync(context.Response.Body, blocks, trail, scope, context.RequestAborted);
        return Results.Empty;
    }

    /// <summary>
    /// The trustless-gateway CAR: rooted at the requested CID, the blocks that resolve the path in
    /// order, then the target's DAG in depth-first pre-order (only its first block with
    /// <c>dag-scope=block</c>), every block once.
    /// </summary>
    /// <remarks>
    /// Blocks are read from disk without hashing them (<see cref="FileBlockStore.GetUnverifiedAsync"/>): the
    /// client of a trustless gateway verifies every block against its CID, so hashing here too halved the
    /// rate at which a node can serve (bench/Cairn.Exchange.Bench). A block damaged on this node's disk
    /// fails at the client, which takes it from another peer. The walk runs ahead of the response on its
    /// own task (a few blocks), so disk reads overlap the socket writes.
    /// </remarks>
    private static async Task WriteCarAsync(Stream output, IBlockStore blocks, List<Cid> trail, DagScope scope, CancellationToken cancellationToken)
    {
        var writer = new CarWriter(output);
        await writer.WriteHeaderAsync([trail[0]], cancellationToken);
        var ahead = System.Threading.Channels.Channel.CreateBounded<(Cid Cid, byte[] Block, int Length, bool Pooled)>(new System.Threading.Channels.BoundedChannelOptions(8) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var walk = Task.Run(
            async () =>
            {
                try
                {
                    await WalkCarAsync(blocks, trail, scope, ahead.Writer, stop.Token);
                    ahead.Writer.Complete();
                }
                catch (Exception e)
                {
                    ahead.Writer.Complete(e);
                }
            },
            CancellationToken.None);
        try
        {
            await foreach (var (cid, block, length, pooled) in ahead.Reader.ReadAllAsync(cancellationToken))
            {
                await writer.WriteBlockAsync(cid, block.AsMemory(0, length), cancellationToken);
                if (pooled)
                {
                    System.Buffers.ArrayPool<byte>.Shared.Return(block);
                }
            }
        }
        finally
        {
            await stop.CancelAsync();
            await walk;
        }

        await output.FlushAsync(cancellationToken);
    }

    private static async Task WalkCarAsync(IBlockStore blocks, List<Cid> trail, DagScope scope, System.Threading.Channels.ChannelWriter<(Cid, byte[], int, bool)> output, CancellationToken cancellationToken)
    {
        var files = blocks as FileBlockStore;
        async ValueTask<(byte[] Block, int Length, bool Pooled)> ReadAsync(Cid cid)
        {
            if (files is not null)
            {
                return files.TryRentUnverified(cid, System.Buffers.ArrayPool<byte>.Shared, out var buffer, out var length) ? (buffer, length, true) : throw NotHere(cid);
            }

            var block = await blocks.GetAsync(cid, cancellationToken) ?? throw NotHere(cid);
            return (block, block.Length, false);
        }

        var written = new HashSet<Cid>();
        for (var i = 0; i < trail.Count - 1; i++)
        {
            if (written.Add(trail[i]))
            {
                var (bytes, length, pooled) = await ReadAsync(trail[i]);
                await output.WriteAsync((trail[i], bytes, length, pooled), cancellationToken);
            }
        }

        // Depth-first pre-order from the target. Each entry says which of its links belong to the scope.
        var stack = new Stack<(Cid Cid, DagScope Follow)>();
        stack.Push((trail[^1], scope));
        while (stack.TryPop(out var next))
        {
            var (cid, follow) = next;
            if (!written.Add(cid))
            {
                continue;
            }

            var (block, length, pooled) = await ReadAsync(cid);
            if (follow == DagScope.Block || cid.Codec == Multicodec.Raw)
            {
                await output.WriteAsync((cid, block, length, pooled), cancellationToken);
                continue;
            }

            // Links are read before the block goes out: the writer returns pooled buffers to the pool.
            var links = BlockLinks.Get(cid, block.AsSpan(0, length));
            var (childScope, keep) = follow == DagScope.Entity ? EntityLinks(cid, block.AsSpan(0, length).ToArray()) : (DagScope.All, (Func<int, bool>?)null);
            await output.WriteAsync((cid, block, length, pooled), cancellationToken);
            for (var i = links.Count - 1; i >= 0; i--)
            {
                if (keep is null || keep(i))
                {
                    stack.Push((links[i], childScope));
                }
            }
        }
    }

    /// <summary>The CIDs from <paramref name="root"/> through each path segment to the target.</summary>
    private static async Task<List<Cid>> TrailAsync(IBlockStore blocks, Cid root, string[] segments, CancellationToken cancellationToken)
    {
        var trail = new List<Cid> { root };
        var exporter = new UnixFsExporter(blocks);
        foreach (var segment in segments)
        {
            trail.Add(await exporter.ResolvePathAsync(trail[^1] + "/" + segment, cancellationToken));
        }

        return trail;
    }

    /// <summary>
    /// Which links of the entity's first block are part of the entity (trustless gateway spec,
    /// <c>dag-scope=entity</c>): every block of a UnixFS file; of a HAMT-sharded directory its shard
    /// nodes but not the entries; of a plain directory or any other codec, none — only the block.
    /// </summary>
    private static (DagScope ChildScope, Func<int, bool>? Keep) EntityLinks(Cid cid, byte[] block)
    {
        if (cid.Codec != Multicodec.DagPb)
        {
            return (DagScope.Block, _ => false);
        }

        var node = DagPbCodec.Decode(block);
        var data = node.Data is { } bytes ? UnixFsData.Decode(bytes.Span) : null;
        switch (data?.Type)
        {
            case UnixFsType.File or UnixFsType.Raw:
                return (DagScope.All, null);
            case UnixFsType.HamtShard:
                // A shard's links to further shards are named by the bucket alone (hex, as wide as fanout - 1);
                // links to entries carry the entry's name after it.
                var width = ((data.Fanout ?? 256) - 1).ToString("X", System.Globalization.CultureInfo.InvariantCulture).Length;
                return (DagScope.Entity, i => node.Links[i].Name?.Length == width);
            default:
                return (DagScope.Block, _ => false);
        }
    }

    private enum DagScope
    {
        All,
        Block,
        Entity,
    }

    private static async Task<IResult> ServeContentAsync(HttpContext context, string cid, string? path)
    {
        var blocks = ApiServices.Blocks(context);
        var root = ParseCid(cid);
        await FetchIfMissingAsync(context, blocks, root);
        var target = await ResolveAsync(blocks, root, path, context.RequestAborted);
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

        // Files up to the cap are read whole before answering, so a missing or damaged block is a clean 404/422.
        context.Response.Headers.XContentTypeOptions = "nosniff";
        var options = context.RequestServices.GetRequiredService<IOptions<CairnApiOptions>>().Value;
        await using var output = new ResponseSpillStream(context.Response, "application/octet-stream", options.MaxBufferedFileBytes);
        await exporter.WriteFileAsync(target, output, context.RequestAborted);
        await output.CompleteAsync(context.RequestAborted);
        return Results.Empty;
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

    /// <summary>
    /// On a node that knows peers (an orchestrator registers a <see cref="GatewayFetcher"/> over its
    /// connected compute nodes, where job results live), a root it does not hold is fetched from
    /// them first, every block verified; elsewhere, and when no peer has it, a miss stays a 404.
    /// </summary>
    private static async Task FetchIfMissingAsync(HttpContext context, IBlockStore blocks, Cid root)
    {
        if (context.RequestServices.GetService<GatewayFetcher>() is not { } fetcher || await blocks.HasAsync(root, context.RequestAborted))
        {
            return;
        }

        try
        {
            await fetcher.FetchDagAsync(root, blocks, null, context.RequestAborted);
        }
        catch (CairnException e) when (e.Code is ErrorCode.NotFound or ErrorCode.ServiceUnavailable)
        {
            // No peer has it (or none answers): the request ends in the usual 404 for what is missing.
        }
    }

    private static CairnException NotHere(Cid cid) =>
        new(ErrorCode.NotFound, $"Block {cid} is not in this node's content store.") { Hint = "Add it with `cairn add`, or ask the node that ran the job." };

    internal static Cid ParseCid(string text) =>
        Cid.TryParse(text, out var cid)
            ? cid
            : throw new CairnException(ErrorCode.InvalidArgument, $"'{text}' is not a CID.") { Hint = "A CID looks like bafy... (v1) or Qm... (v0)." };
}
