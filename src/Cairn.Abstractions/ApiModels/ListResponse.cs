namespace Cairn.ApiModels;

/// <summary>A page of a list (Bacalhau's <c>{Items, NextToken}</c>).</summary>
/// <typeparam name="T">The item type.</typeparam>
public sealed record ListResponse<T>
{
    /// <summary>The items on this page.</summary>
    public IReadOnlyList<T> Items { get; init; } = [];

    /// <summary>Pass as <c>next_token</c> for the next page; null on the last page.</summary>
    public string? NextToken { get; init; }
}
