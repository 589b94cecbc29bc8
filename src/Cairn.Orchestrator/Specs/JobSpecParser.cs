using System.Text;
using Cairn.Jobs;
using Cairn.Jobs.Specs;

namespace Cairn.Orchestrator.Specs;

/// <summary>
/// Parses Bacalhau-style job specs from YAML or JSON. Keys are case-insensitive (<c>Name</c>,
/// <c>name</c> and <c>NAME</c> are one field); unknown keys, wrong types and malformed text are
/// reported together, each with its field path, line and column.
/// </summary>
public static class JobSpecParser
{
    /// <summary>The largest spec accepted: inline modules make specs big, but not unbounded.</summary>
    public const int MaxSpecBytes = 16 * 1024 * 1024;

    /// <summary>Parses a spec; throws <see cref="JobSpecException"/> listing every shape problem.</summary>
    public static JobSpecDocument Parse(string text, SpecFormat format = SpecFormat.Auto)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (Encoding.UTF8.GetByteCount(text) > MaxSpecBytes)
        {
            throw new JobSpecException([new SpecError
            {
                Path = string.Empty,
                Message = $"the spec is larger than {MaxSpecBytes / (1024 * 1024)} MiB",
                Hint = "Add large inputs to the content store (`cairn add`) and name them by CID.",
            }]);
        }

        var (tree, builder, used) = Read(text, format);
        if (builder.Errors.Count > 0)
        {
            throw new JobSpecException(builder.Errors);
        }

        if (tree is not IReadOnlyDictionary<string, object?> root)
        {
            throw new JobSpecException(builder.Positions.Locate([new SpecError
            {
                Path = string.Empty,
                Message = $"expected a mapping of job fields, got {(tree is null ? "nothing" : "a " + (tree is string ? "string" : "list"))}",
                Hint = "A spec starts with fields such as Name:, Type: and Tasks:.",
            }]));
        }

        if (!JobSpecBinder.TryBind(root, out var job, out var errors))
        {
            throw new JobSpecException(builder.Positions.Locate(errors));
        }

        return new JobSpecDocument(job, used, builder.Positions);
    }

    /// <summary>Parses and validates a spec; throws <see cref="JobSpecException"/> with every problem, located.</summary>
    public static Job ParseAndValidate(string text, JobSpecValidator validator, SpecFormat format = SpecFormat.Auto)
    {
        ArgumentNullException.ThrowIfNull(validator);
        var document = Parse(text, format);
        var errors = validator.Validate(document.Job);
        if (errors.Count > 0)
        {
            throw new JobSpecException(document.Positions.Locate(errors));
        }

        return document.Job;
    }

    /// <summary>Reads a spec file (format from the extension: .json, else YAML with JSON detection).</summary>
    public static async Task<JobSpecDocument> ParseFileAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try
        {
            text = await File.ReadAllTextAsync(path, cancellationToken);
        }
        catch (FileNotFoundException e)
        {
            throw new CairnException(ErrorCode.NotFound, $"Job spec '{path}' does not exist.", e);
        }
        catch (DirectoryNotFoundException e)
        {
            throw new CairnException(ErrorCode.NotFound, $"Job spec '{path}' does not exist.", e);
        }

        var format = Path.GetExtension(path).Equals(".json", StringComparison.OrdinalIgnoreCase) ? SpecFormat.Json : SpecFormat.Auto;
        return Parse(text, format);
    }

    private static (object? Tree, SpecTreeBuilder Builder, SpecFormat Used) Read(string text, SpecFormat format)
    {
        if (format == SpecFormat.Yaml)
        {
            var yaml = new SpecTreeBuilder();
            return (yaml.ReadYaml(text), yaml, SpecFormat.Yaml);
        }

        var json = new SpecTreeBuilder();
        if (format == SpecFormat.Json)
        {
            return (json.ReadJson(Encoding.UTF8.GetBytes(text)), json, SpecFormat.Json);
        }

        if (text.TrimStart().StartsWith('{'))
        {
            var tree = json.ReadJson(Encoding.UTF8.GetBytes(text));
            if (json.Errors.Count == 0)
            {
                return (tree, json, SpecFormat.Json);
            }

            // A YAML flow mapping also starts with '{': if YAML reads it, it was YAML; if not, the JSON error is the clearer one.
            var fallback = new SpecTreeBuilder();
            var yamlTree = fallback.ReadYaml(text);
            return fallback.Errors.Count == 0 ? (yamlTree, fallback, SpecFormat.Yaml) : (tree, json, SpecFormat.Json);
        }

        var builder = new SpecTreeBuilder();
        return (builder.ReadYaml(text), builder, SpecFormat.Yaml);
    }
}
