namespace Cairn.Jobs.Execution;

/// <summary>An execution's output stream.</summary>
public enum LogSource
{
    /// <summary>Standard output.</summary>
    Stdout = 1,

    /// <summary>Standard error.</summary>
    Stderr = 2,
}
