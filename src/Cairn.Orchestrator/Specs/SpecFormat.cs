namespace Cairn.Orchestrator.Specs;

/// <summary>The text format of a job spec.</summary>
public enum SpecFormat
{
    /// <summary>JSON when the text starts with <c>{</c> and parses as JSON, YAML otherwise.</summary>
    Auto,

    /// <summary>YAML 1.2 (core schema scalars).</summary>
    Yaml,

    /// <summary>JSON (comments and trailing commas tolerated).</summary>
    Json,
}
