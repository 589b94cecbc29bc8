namespace Cairn.Cli.Output;

/// <summary>How a command prints its result.</summary>
internal enum OutputFormat
{
    /// <summary>Human-readable (a table or lines).</summary>
    Table,

    /// <summary>JSON, for scripts.</summary>
    Json,

    /// <summary>YAML, for people who read configuration.</summary>
    Yaml,
}
