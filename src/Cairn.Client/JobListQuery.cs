using Cairn.Jobs;

namespace Cairn.Client;

/// <summary>Filters and paging for <see cref="CairnClient.ListJobsAsync"/>.</summary>
public sealed record JobListQuery
{
    /// <summary>Only jobs in this state.</summary>
    public JobState? State { get; init; }

    /// <summary>Label selector: <c>key=value</c> or <c>key</c> terms, comma-separated, all must hold.</summary>
    public string? Label { get; init; }

    /// <summary>Page size.</summary>
    public int? Limit { get; init; }

    /// <summary>The previous page's <c>NextToken</c>.</summary>
    public string? NextToken { get; init; }
}
