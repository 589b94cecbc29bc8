using Cairn.Jobs;

namespace Cairn.Orchestrator.Specs;

/// <summary>A parsed job spec and where its fields were in the text.</summary>
public sealed class JobSpecDocument
{
    internal JobSpecDocument(Job job, SpecFormat format, SpecPositions positions)
    {
        Job = job;
        Format = format;
        Positions = positions;
    }

    /// <summary>The job (its <see cref="Job.Id"/> is empty until submission).</summary>
    public Job Job { get; }

    /// <summary>The format the text was read as.</summary>
    public SpecFormat Format { get; }

    /// <summary>Field positions, to point validation errors at lines.</summary>
    public SpecPositions Positions { get; }
}
