using System.Diagnostics.CodeAnalysis;

namespace Cairn.Jobs.Specs;

/// <summary>
/// Turns a spec's value tree (from YAML or JSON; maps case-insensitive) into a <see cref="Job"/>,
/// checking the shape: every field known, every value of the expected type. Semantic checks
/// (known engine, absolute paths, CIDs...) are <see cref="JobSpecValidator"/>'s.
/// </summary>
public static class JobSpecBinder
{
    private static readonly string[] JobTypes = ["batch", "ops", "daemon", "service"];

    /// <summary>Binds the document, throwing <see cref="JobSpecException"/> with every problem found.</summary>
    public static Job Bind(IReadOnlyDictionary<string, object?> document)
    {
        if (TryBind(document, out var job, out var errors))
        {
            return job;
        }

        throw new JobSpecException(errors);
    }

    /// <summary>Binds the document; false with the problems found when it is malformed.</summary>
    public static bool TryBind(IReadOnlyDictionary<string, object?> document, [NotNullWhen(true)] out Job? job, out IReadOnlyList<SpecError> errors)
    {
        ArgumentNullException.ThrowIfNull(document);
        var reader = new SpecReader();
        job = ReadJob(reader, new SpecMap(reader, document, string.Empty));
        errors = reader.Errors;
        if (errors.Count > 0)
        {
            job = null;
            return false;
        }

        return true;
    }

    internal static SpecConfig? ReadSpecConfig(SpecReader reader, object? value, string path, Func<string, string>? normalizeType = null)
    {
        var map = reader.Map(value, path);
        if (map is null)
        {
            return null;
        }

        var type = reader.String(map.Take("Type"), map.Child("Type"))?.Trim().ToLowerInvariant() ?? string.Empty;
        var paramsPath = map.Child("Params");
        var rawParams = map.Take("Params");
        var parameters = rawParams is null ? SpecParams.Empty : reader.Map(rawParams, paramsPath) is null ? SpecParams.Empty : SpecParams.Create((IReadOnlyDictionary<string, object?>)rawParams);
        map.Finish();
        return new SpecConfig { Type = normalizeType?.Invoke(type) ?? type, Params = parameters };
    }

    internal static InputSource? ReadInputSource(SpecReader reader, object? value, string path)
    {
        var map = reader.Map(value, path);
        if (map is null)
        {
            return null;
        }

        var alias = reader.String(map.Take("Alias"), map.Child("Alias"));
        var target = reader.String(map.Take("Target"), map.Child("Target")) ?? string.Empty;
        var sourcePath = map.Child("Source");
        var source = ReadSpecConfig(reader, map.Take("Source"), sourcePath, NormalizeSourceType);
        map.Finish();
        if (source is null)
        {
            reader.Error(sourcePath, "required: where the input comes from", "Give Source: {Type: ipfs|local|url|inline, Params: {...}}.");
            return null;
        }

        return new InputSource { Alias = alias, Target = target, Source = source };
    }

    /// <summary>Bacalhau's older names for the source types Cairn knows.</summary>
    internal static string NormalizeSourceType(string type) => type switch
    {
        "localdirectory" => "local",
        "urldownload" => "url",
        _ => type,
    };

    private static Job ReadJob(SpecReader reader, SpecMap map)
    {
        var name = reader.String(map.Take("Name"), map.Child("Name")) ?? string.Empty;
        var ns = reader.String(map.Take("Namespace"), map.Child("Namespace"));
        var type = JobType.Batch;
        var typeText = reader.String(map.Take("Type"), map.Child("Type"));
        if (typeText is not null)
        {
            switch (typeText.Trim().ToLowerInvariant())
            {
                case "batch": type = JobType.Batch; break;
                case "ops": type = JobType.Ops; break;
                case "daemon": type = JobType.Daemon; break;
                case "service": type = JobType.Service; break;
                default:
                    var suggestion = SpecSuggestions.Closest(typeText, JobTypes);
                    reader.Error(
                        map.Child("Type"),
                        $"unknown job type '{typeText}'" + (suggestion is null ? string.Empty : $"; did you mean {suggestion}?"),
                        "Type is one of batch, ops, daemon, service.");
                    break;
            }
        }

        var priority = reader.Int(map.Take("Priority"), map.Child("Priority")) ?? 0;
        var count = reader.Int(map.Take("Count"), map.Child("Count"), min: 0) ?? 1;
        var constraints = ReadList(reader, map.Take("Constraints"), map.Child("Constraints"), ReadConstraint);
        var labels = reader.StringMap(map.Take("Labels"), map.Child("Labels"));
        var meta = reader.StringMap(map.Take("Meta"), map.Child("Meta"));
        var tasks = ReadList(reader, map.Take("Tasks"), map.Child("Tasks"), ReadTask);
        var payment = ReadPayment(reader, map.Take("Payment"), map.Child("Payment"));
        var verification = ReadVerification(reader, map.Take("Verification"), map.Child("Verification"));
        map.Finish();
        return new Job
        {
            Name = name,
            Namespace = string.IsNullOrWhiteSpace(ns) ? "default" : ns,
            Type = type,
            Priority = priority,
            Count = count,
            Constraints = constraints,
            Labels = labels,
            Meta = meta,
            Tasks = tasks,
            Payment = payment,
            Verification = verification,
        };
    }

    private static List<T> ReadList<T>(SpecReader reader, object? value, string path, Func<SpecReader, object?, string, T?> readItem)
        where T : class
    {
        var list = reader.List(value, path);
        var result = new List<T>();
        if (list is null)
        {
            return result;
        }

        for (var i = 0; i < list.Count; i++)
        {
            var itemPath = SpecReader.Index(path, i);
            if (list[i] is null)
            {
                reader.Error(itemPath, "expected a mapping, got nothing (null)");
                continue;
            }

            var item = readItem(reader, list[i], itemPath);
            if (item is not null)
            {
                result.Add(item);
            }
        }

        return result;
    }

    private static JobTask? ReadTask(SpecReader reader, object? value, string path)
    {
        var map = reader.Map(value, path);
        if (map is null)
        {
            return null;
        }

        var name = reader.String(map.Take("Name"), map.Child("Name"));
        var enginePath = map.Child("Engine");
        var engine = ReadSpecConfig(reader, map.Take("Engine"), enginePath);
        var inputs = ReadList(reader, map.Take("InputSources"), map.Child("InputSources"), ReadInputSource);
        var publisher = ReadSpecConfig(reader, map.Take("Publisher"), map.Child("Publisher"));
        var results = ReadList(reader, map.Take("ResultPaths"), map.Child("ResultPaths"), ReadResultPath);
        var resources = ReadResources(reader, map.Take("Resources"), map.Child("Resources"));
        var timeouts = ReadTimeouts(reader, map.Take("Timeouts"), map.Child("Timeouts"));
        var network = ReadNetwork(reader, map.Take("Network"), map.Child("Network"));
        var env = reader.StringMap(map.Take("Env"), map.Child("Env"));
        map.Finish();
        if (engine is null)
        {
            reader.Error(enginePath, "required: the engine that runs the task", "Give Engine: {Type: wasm|docker|noop, Params: {...}}.");
        }

        return new JobTask
        {
            Name = string.IsNullOrWhiteSpace(name) ? "main" : name,
            Engine = engine ?? new SpecConfig { Type = string.Empty },
            InputSources = inputs,
            Publisher = publisher,
            ResultPaths = results,
            Resources = resources,
            Timeouts = timeouts,
            Network = network,
            Env = env,
        };
    }

    private static ResultPath? ReadResultPath(SpecReader reader, object? value, string path)
    {
        var map = reader.Map(value, path);
        if (map is null)
        {
            return null;
        }

        var name = reader.String(map.Take("Name"), map.Child("Name")) ?? string.Empty;
        var resultPath = reader.String(map.Take("Path"), map.Child("Path")) ?? string.Empty;
        map.Finish();
        return new ResultPath { Name = name, Path = resultPath };
    }

    private static Resources ReadResources(SpecReader reader, object? value, string path)
    {
        var map = reader.Map(value, path);
        if (map is null)
        {
            return Resources.None;
        }

        long cpu = 0, memory = 0, disk = 0;
        var cpuText = reader.String(map.Take("CPU"), map.Child("CPU"));
        if (cpuText is not null && !ResourceQuantity.TryParseCpu(cpuText, out cpu, out var error))
        {
            reader.Error(map.Child("CPU"), $"{error}, got \"{cpuText}\"");
        }

        var memoryText = reader.String(map.Take("Memory"), map.Child("Memory"));
        if (memoryText is not null && !ResourceQuantity.TryParseBytes(memoryText, out memory, out error))
        {
            reader.Error(map.Child("Memory"), $"{error}, got \"{memoryText}\"");
        }

        var diskText = reader.String(map.Take("Disk"), map.Child("Disk"));
        if (diskText is not null && !ResourceQuantity.TryParseBytes(diskText, out disk, out error))
        {
            reader.Error(map.Child("Disk"), $"{error}, got \"{diskText}\"");
        }

        // Bacalhau writes GPU as a string ("1"); accept both.
        var gpuValue = map.Take("GPU");
        var gpu = gpuValue is string s && int.TryParse(s, out var g) && g >= 0 ? g : reader.Int(gpuValue, map.Child("GPU"), min: 0) ?? 0;
        map.Finish();
        return new Resources { CpuMillis = cpu, MemoryBytes = memory, DiskBytes = disk, Gpu = gpu };
    }

    private static Timeouts ReadTimeouts(SpecReader reader, object? value, string path)
    {
        var map = reader.Map(value, path);
        if (map is null)
        {
            return new Timeouts();
        }

        var timeouts = new Timeouts
        {
            ExecutionTimeout = reader.Duration(map.Take("ExecutionTimeout"), map.Child("ExecutionTimeout")),
            QueueTimeout = reader.Duration(map.Take("QueueTimeout"), map.Child("QueueTimeout")),
            TotalTimeout = reader.Duration(map.Take("TotalTimeout"), map.Child("TotalTimeout")),
        };
        map.Finish();
        return timeouts;
    }

    private static NetworkConfig ReadNetwork(SpecReader reader, object? value, string path)
    {
        var map = reader.Map(value, path);
        if (map is null)
        {
            return NetworkConfig.None;
        }

        var typeText = reader.String(map.Take("Type"), map.Child("Type"));
        var mode = NetworkMode.None;
        if (typeText is not null && (!Enum.TryParse(typeText.Trim(), ignoreCase: true, out mode) || !Enum.IsDefined(mode)))
        {
            reader.Error(map.Child("Type"), $"unknown network type '{typeText}'", "Network.Type is one of None, Host, HTTP, Full.");
        }

        var domains = reader.StringList(map.Take("Domains"), map.Child("Domains"));
        map.Finish();
        return new NetworkConfig { Type = mode, Domains = domains };
    }

    private static Constraint? ReadConstraint(SpecReader reader, object? value, string path)
    {
        var map = reader.Map(value, path);
        if (map is null)
        {
            return null;
        }

        var key = reader.String(map.Take("Key"), map.Child("Key")) ?? string.Empty;
        var operatorText = reader.String(map.Take("Operator"), map.Child("Operator"));
        var op = ConstraintOperator.Exists;
        if (operatorText is null)
        {
            reader.Error(map.Child("Operator"), "required", "Operator is one of In, NotIn, Exists, KeyNotIn, =, !=, gt, lt.");
        }
        else if (!Constraint.TryParseOperator(operatorText, out op))
        {
            reader.Error(map.Child("Operator"), $"unknown operator '{operatorText}'", "Operator is one of In, NotIn, Exists, KeyNotIn, =, !=, gt, lt.");
        }

        var values = reader.StringList(map.Take("Values"), map.Child("Values"));
        map.Finish();
        return new Constraint { Key = key, Operator = op, Values = values };
    }

    private static Payment? ReadPayment(SpecReader reader, object? value, string path)
    {
        var map = reader.Map(value, path);
        if (map is null)
        {
            return null;
        }

        var payment = new Payment
        {
            Budget = reader.Long(map.Take("Budget"), map.Child("Budget"), min: 0) ?? 0,
            MaxPrice = reader.Long(map.Take("MaxPrice"), map.Child("MaxPrice"), min: 0) ?? 0,
        };
        map.Finish();
        return payment;
    }

    private static Verification? ReadVerification(SpecReader reader, object? value, string path)
    {
        var map = reader.Map(value, path);
        if (map is null)
        {
            return null;
        }

        var modeText = reader.String(map.Take("Mode"), map.Child("Mode"));
        var mode = VerificationMode.None;
        if (modeText is not null && (!Enum.TryParse(modeText.Trim(), ignoreCase: true, out mode) || !Enum.IsDefined(mode)))
        {
            reader.Error(map.Child("Mode"), $"unknown verification mode '{modeText}'", "Mode is one of none, redundant, optimistic.");
        }

        var replicas = reader.Int(map.Take("Replicas"), map.Child("Replicas"), min: 1) ?? (mode == VerificationMode.Redundant ? 2 : 1);
        map.Finish();
        return new Verification { Mode = mode, Replicas = replicas };
    }
}
