using Cairn.ApiModels;

namespace Cairn.Client;

/// <summary>What <see cref="CairnClient.WaitForJobAsync"/> reports each time the job changes.</summary>
/// <param name="Job">The job and its executions now.</param>
/// <param name="Elapsed">Time since waiting began.</param>
public sealed record JobProgress(GetJobResponse Job, TimeSpan Elapsed);
