using Cairn.Content.Storage;
using Cairn.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Cairn.Api.Endpoints;

/// <summary>Finds the parts a request needs; a part this node does not run is a 503 that names it.</summary>
internal static class ApiServices
{
    public static T Require<T>(HttpContext context, string what)
        where T : class =>
        context.RequestServices.GetService<T>()
        ?? throw new CairnException(ErrorCode.ServiceUnavailable, $"This node has no {what}.") { Hint = "Run a node that has it (`cairn serve` runs every part)." };

    public static IBlockStore Blocks(HttpContext context) =>
        context.RequestServices.GetService<IBlockStore>()
        ?? context.RequestServices.GetService<ContentRepo>()?.Blocks
        ?? throw new CairnException(ErrorCode.ServiceUnavailable, "This node has no content store.") { Hint = "Run a node that has it (`cairn serve` runs every part)." };

    public static IBlockStore? TryBlocks(HttpContext context) =>
        context.RequestServices.GetService<IBlockStore>() ?? context.RequestServices.GetService<ContentRepo>()?.Blocks;
}
