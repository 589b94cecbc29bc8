using Cairn.Multiformats;

namespace Cairn.Jobs.Specs;

/// <summary>
/// Checks a bound <see cref="Job"/> against what this node can do: the engine exists here, engine and
/// source parameters are complete and well-formed, paths are absolute, counts and constraints make
/// sense. Every problem comes back with its field path and, where the user can act, a hint.
/// </summary>
public sealed class JobSpecValidator
{
    /// <summary>The input source types Cairn knows.</summary>
    public static readonly IReadOnlyList<string> KnownSourceTypes = ["inline", "ipfs", "local", "url"];

    /// <summary>The publisher types Cairn knows.</summary>
    public static readonly IReadOnlyList<string> KnownPublisherTypes = ["ipfs", "local", "noop"];

    private readonly SortedSet<string> _engines;

    /// <summary>Creates a validator for a node that runs <paramref name="availableEngines"/>.</summary>
    public JobSpecValidator(IEnumerable<string> availableEngines)
    {
        ArgumentNullException.ThrowIfNull(availableEngines);
        _engines = new SortedSet<string>(availableEngines.Select(e => e.ToLowerInvariant()), StringComparer.Ordinal);
    }

    /// <summary>The engines this validator accepts, sorted.</summary>
    public IReadOnlyCollection<string> Engines => _engines;

    /// <summary>Throws <see cref="JobSpecException"/> listing every problem when the job is not valid.</summary>
    public void ValidateOrThrow(Job job)
    {
        var errors = Validate(job);
        if (errors.Count > 0)
        {
            throw new JobSpecException(errors);
        }
    }

    /// <summary>Every problem with <paramref name="job"/>; empty when it is valid.</summary>
    public IReadOnlyList<SpecError> Validate(Job job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var reader = new SpecReader();
        if ((job.Type is JobType.Batch or JobType.Service) && job.Count < 1)
        {
            reader.Error("Count", $"a {job.Type.ToString().ToLowerInvariant()} job needs Count of at least 1, got {job.Count}");
        }

        if (job.Tasks.Count == 0)
        {
            reader.Error("Tasks", "required: a job has one task", "Add Tasks: [{Name: main, Engine: {Type: wasm, Params: {...}}}].");
        }
        else if (job.Tasks.Count > 1)
        {
            reader.Error("Tasks", $"a job has exactly one task for now, got {job.Tasks.Count}", "Split the work into several jobs.");
        }

        for (var i = 0; i < job.Constraints.Count; i++)
        {
            ValidateConstraint(reader, job.Constraints[i], SpecReader.Index("Constraints", i));
        }

        for (var i = 0; i < job.Tasks.Count; i++)
        {
            ValidateTask(reader, job.Tasks[i], SpecReader.Index("Tasks", i));
        }

        if (job.Verification is { } verification)
        {
            if (verification.Mode == VerificationMode.Redundant && verification.Replicas < 2)
            {
                reader.Error("Verification.Replicas", $"redundant verification needs at least 2 replicas, got {verification.Replicas}");
            }
            else if (verification.Mode != VerificationMode.Redundant && verification.Replicas != 1)
            {
                reader.Error("Verification.Replicas", $"replicas only apply to redundant verification, got {verification.Replicas}", "Set Mode: redundant, or leave Replicas out.");
            }
        }

        if (job.Payment is { } payment && payment.MaxPrice > 0 && payment.Budget == 0)
        {
            reader.Error("Payment.Budget", "a job with a MaxPrice needs a Budget above 0", "Set Payment.Budget to the most the job may cost.");
        }

        return reader.Errors;
    }

    private static void ValidateConstraint(SpecReader reader, Constraint constraint, string path)
    {
        if (string.IsNullOrWhiteSpace(constraint.Key))
        {
            reader.Error(SpecReader.Child(path, "Key"), "required: the node label to test");
        }

        var (min, max) = Constraint.ValueCount(constraint.Operator);
        var count = constraint.Values.Count;
        if (count < min || count > max)
        {
            var expected = max == 0 ? "no values" : max == 1 ? "exactly one value" : "at least one value";
            reader.Error(SpecReader.Child(path, "Values"), $"operator {constraint.Operator} takes {expected}, got {count}");
        }

        if (constraint.Operator is ConstraintOperator.GreaterThan or ConstraintOperator.LessThan && count == 1 && !long.TryParse(constraint.Values[0], out _))
        {
            reader.Error(SpecReader.Index(SpecReader.Child(path, "Values"), 0), $"operator {constraint.Operator} compares integers, got \"{constraint.Values[0]}\"");
        }
    }

    private void ValidateTask(SpecReader reader, JobTask task, string path)
    {
        var enginePath = SpecReader.Child(path, "Engine");
        var engineType = task.Engine.Type;
        if (engineType.Length == 0)
        {
            reader.Error(SpecReader.Child(enginePath, "Type"), "required: the engine that runs the task", EngineHint());
        }
        else if (!_engines.Contains(engineType))
        {
            var suggestion = SpecSuggestions.Closest(engineType, _engines);
            reader.Error(
                SpecReader.Child(enginePath, "Type"),
                $"unknown engine '{engineType}'" + (suggestion is null ? string.Empty : $"; did you mean {suggestion}?"),
                EngineHint());
        }
        else
        {
            ValidateEngineParams(reader, task, enginePath);
        }

        var targets = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < task.InputSources.Count; i++)
        {
            var inputPath = SpecReader.Index(SpecReader.Child(path, "InputSources"), i);
            var input = task.InputSources[i];
            ValidateInputSource(reader, input, inputPath, requireTarget: true);
            if (input.Target.Length > 0 && !targets.TryAdd(input.Target, i))
            {
                reader.Error(SpecReader.Child(inputPath, "Target"), $"\"{input.Target}\" is already the target of InputSources[{targets[input.Target]}]");
            }
        }

        if (task.Publisher is { } publisher)
        {
            var publisherPath = SpecReader.Child(SpecReader.Child(path, "Publisher"), "Type");
            if (!KnownPublisherTypes.Contains(publisher.Type))
            {
                reader.Error(publisherPath, $"unknown publisher '{publisher.Type}'", $"Publisher.Type is one of {string.Join(", ", KnownPublisherTypes)}.");
            }
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < task.ResultPaths.Count; i++)
        {
            var resultPath = SpecReader.Index(SpecReader.Child(path, "ResultPaths"), i);
            var result = task.ResultPaths[i];
            if (string.IsNullOrWhiteSpace(result.Name))
            {
                reader.Error(SpecReader.Child(resultPath, "Name"), "required: the result's name");
            }
            else if (!names.Add(result.Name))
            {
                reader.Error(SpecReader.Child(resultPath, "Name"), $"duplicate result name \"{result.Name}\"");
            }

            RequireAbsolute(reader, result.Path, SpecReader.Child(resultPath, "Path"), "the path inside the task whose contents are published");
        }

        ValidateEnvNames(reader, task.Env.Keys, SpecReader.Child(path, "Env"));
        if (engineType == WasmEngineParams.EngineType && task.Network.Type != NetworkMode.None)
        {
            reader.Error(SpecReader.Child(SpecReader.Child(path, "Network"), "Type"), "the wasm engine has no network", "Remove Network, or use the docker engine.");
        }
    }

    private static void ValidateEngineParams(SpecReader reader, JobTask task, string enginePath)
    {
        switch (task.Engine.Type)
        {
            case WasmEngineParams.EngineType:
                var wasm = WasmEngineParams.Read(reader, task.Engine, enginePath);
                if (wasm is not null)
                {
                    var paramsPath = SpecReader.Child(enginePath, "Params");
                    ValidateEnvNames(reader, wasm.EnvironmentVariables.Keys, SpecReader.Child(paramsPath, "EnvironmentVariables"));
                    ValidateInputSource(reader, wasm.EntryModule, SpecReader.Child(paramsPath, "EntryModule"), requireTarget: false);
                    for (var i = 0; i < wasm.ImportModules.Count; i++)
                    {
                        ValidateInputSource(reader, wasm.ImportModules[i], SpecReader.Index(SpecReader.Child(paramsPath, "ImportModules"), i), requireTarget: false);
                    }
                }

                break;
            case DockerEngineParams.EngineType:
                DockerEngineParams.Read(reader, task.Engine, enginePath);
                break;
            case "noop":
                new SpecMap(reader, task.Engine.Params, SpecReader.Child(enginePath, "Params")).Finish();
                break;

            // Engines this validator does not know in detail (plug-ins) check their own parameters.
            default:
                break;
        }
    }

    private static void ValidateInputSource(SpecReader reader, InputSource input, string path, bool requireTarget)
    {
        if (requireTarget || input.Target.Length > 0)
        {
            RequireAbsolute(reader, input.Target, SpecReader.Child(path, "Target"), "where the task sees the input");
        }

        var sourcePath = SpecReader.Child(path, "Source");
        var typePath = SpecReader.Child(sourcePath, "Type");
        var map = new SpecMap(reader, input.Source.Params, SpecReader.Child(sourcePath, "Params"));
        switch (input.Source.Type)
        {
            case "ipfs":
                var cid = reader.String(map.Take("CID"), map.Child("CID"));
                if (string.IsNullOrWhiteSpace(cid))
                {
                    reader.Error(map.Child("CID"), "required: the CID of the input", "Add it to the node first with `cairn add PATH`, which prints its CID.");
                }
                else if (!Cid.TryParse(cid, out _))
                {
                    reader.Error(map.Child("CID"), $"\"{cid}\" is not a CID", "A CID looks like bafy... (v1) or Qm... (v0).");
                }

                reader.String(map.Take("Path"), map.Child("Path"));
                break;
            case "local":
                var sourceLocal = reader.String(map.Take("SourcePath"), map.Child("SourcePath"));
                RequireAbsolute(reader, sourceLocal, map.Child("SourcePath"), "the host path to mount (it must be in the node's allow-list)");
                reader.Bool(map.Take("ReadWrite"), map.Child("ReadWrite"));
                break;
            case "url":
                var url = reader.String(map.Take("URL"), map.Child("URL"));
                if (string.IsNullOrWhiteSpace(url))
                {
                    reader.Error(map.Child("URL"), "required: the http(s) URL to download");
                }
                else if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
                {
                    reader.Error(map.Child("URL"), $"expected an http:// or https:// URL, got \"{url}\"");
                }

                break;
            case "inline":
                var data = reader.String(map.Take("URL"), map.Child("URL"));
                if (string.IsNullOrWhiteSpace(data))
                {
                    reader.Error(map.Child("URL"), "required: the data: URL holding the input", "Write it as data:application/wasm;base64,AGFzbQ...");
                }
                else if (!DataUrl.TryParse(data, out _, out var error))
                {
                    reader.Error(map.Child("URL"), error);
                }

                break;
            case "":
                reader.Error(typePath, "required: the kind of source", $"Source.Type is one of {string.Join(", ", KnownSourceTypes)}.");
                return;
            default:
                var suggestion = SpecSuggestions.Closest(input.Source.Type, KnownSourceTypes);
                reader.Error(
                    typePath,
                    $"unknown input source type '{input.Source.Type}'" + (suggestion is null ? string.Empty : $"; did you mean {suggestion}?"),
                    $"Source.Type is one of {string.Join(", ", KnownSourceTypes)}.");
                return;
        }

        map.Finish();
    }

    private static void ValidateEnvNames(SpecReader reader, IEnumerable<string> names, string path)
    {
        foreach (var name in names)
        {
            if (name.Length == 0 || name.Contains('=', StringComparison.Ordinal) || name.Contains('\0', StringComparison.Ordinal))
            {
                reader.Error(SpecReader.Child(path, name), $"\"{name}\" is not an environment variable name", "A name is not empty and has no '=' or NUL in it.");
            }
        }
    }

    private static void RequireAbsolute(SpecReader reader, string? value, string path, string what)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            reader.Error(path, $"required: {what}");
        }
        else if (!value.StartsWith('/'))
        {
            reader.Error(path, $"must be an absolute path, got \"{value}\"", $"Write it as /{value.TrimStart('.', '/')}.");
        }
    }

    private string EngineHint() => _engines.Count == 0
        ? "This node has no engines enabled."
        : $"This node has these engines: {string.Join(", ", _engines)}.";
}
