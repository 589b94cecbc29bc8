using System.Globalization;

namespace Cairn.Jobs.Specs;

/// <summary>
/// Turns a <see cref="Job"/> back into a spec's value tree with Bacalhau's field names and units
/// (<c>CPU: 500m</c>, <c>Memory: 512Mi</c>, timeouts in seconds), leaving out what is unset, so
/// <c>cairn job describe</c> can print a spec that <see cref="JobSpecBinder"/> reads back to the same job.
/// </summary>
public static class JobSpecWriter
{
    /// <summary>The job as a spec tree (maps of strings to strings, longs, booleans, lists and maps).</summary>
    public static IReadOnlyDictionary<string, object?> ToTree(Job job)
    {
        ArgumentNullException.ThrowIfNull(job);
        // The id is the orchestrator's, not a spec field: it stays out so the output can be resubmitted.
        var root = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        root["Name"] = job.Name;
        root["Type"] = job.Type.ToString().ToLowerInvariant();
        if (!string.Equals(job.Namespace, "default", StringComparison.Ordinal))
        {
            root["Namespace"] = job.Namespace;
        }

        if (job.Priority != 0)
        {
            root["Priority"] = (long)job.Priority;
        }

        root["Count"] = (long)job.Count;
        if (job.Constraints.Count > 0)
        {
            root["Constraints"] = job.Constraints.Select(c => (object?)new Dictionary<string, object?>
            {
                ["Key"] = c.Key,
                ["Operator"] = OperatorText(c.Operator),
                ["Values"] = c.Values.Select(v => (object?)v).ToList(),
            }).ToList();
        }

        AddMap(root, "Labels", job.Labels);
        AddMap(root, "Meta", job.Meta);
        root["Tasks"] = job.Tasks.Select(t => (object?)Task(t)).ToList();
        if (job.Payment is { } payment)
        {
            root["Payment"] = new Dictionary<string, object?> { ["Budget"] = payment.Budget, ["MaxPrice"] = payment.MaxPrice };
        }

        if (job.Verification is { } verification)
        {
            root["Verification"] = new Dictionary<string, object?> { ["Mode"] = verification.Mode.ToString().ToLowerInvariant(), ["Replicas"] = (long)verification.Replicas };
        }

        return root;
    }

    private static Dictionary<string, object?> Task(JobTask task)
    {
        var map = new Dictionary<string, object?>
        {
            ["Name"] = task.Name,
            ["Engine"] = Config(task.Engine),
        };
        if (task.InputSources.Count > 0)
        {
            map["InputSources"] = task.InputSources.Select(i => (object?)Input(i)).ToList();
        }

        if (task.Publisher is { } publisher)
        {
            map["Publisher"] = Config(publisher);
        }

        if (task.ResultPaths.Count > 0)
        {
            map["ResultPaths"] = task.ResultPaths.Select(r => (object?)new Dictionary<string, object?> { ["Name"] = r.Name, ["Path"] = r.Path }).ToList();
        }

        var resources = new Dictionary<string, object?>();
        if (task.Resources.CpuMillis > 0)
        {
            resources["CPU"] = ResourceQuantity.FormatCpu(task.Resources.CpuMillis);
        }

        if (task.Resources.MemoryBytes > 0)
        {
            resources["Memory"] = ResourceQuantity.FormatBytes(task.Resources.MemoryBytes);
        }

        if (task.Resources.DiskBytes > 0)
        {
            resources["Disk"] = ResourceQuantity.FormatBytes(task.Resources.DiskBytes);
        }

        if (task.Resources.Gpu > 0)
        {
            resources["GPU"] = task.Resources.Gpu.ToString(CultureInfo.InvariantCulture);
        }

        if (resources.Count > 0)
        {
            map["Resources"] = resources;
        }

        var timeouts = new Dictionary<string, object?>();
        AddDuration(timeouts, "ExecutionTimeout", task.Timeouts.ExecutionTimeout);
        AddDuration(timeouts, "QueueTimeout", task.Timeouts.QueueTimeout);
        AddDuration(timeouts, "TotalTimeout", task.Timeouts.TotalTimeout);
        if (timeouts.Count > 0)
        {
            map["Timeouts"] = timeouts;
        }

        if (task.Network.Type != NetworkMode.None || task.Network.Domains.Count > 0)
        {
            var network = new Dictionary<string, object?> { ["Type"] = task.Network.Type.ToString() };
            if (task.Network.Domains.Count > 0)
            {
                network["Domains"] = task.Network.Domains.Select(d => (object?)d).ToList();
            }

            map["Network"] = network;
        }

        AddMap(map, "Env", task.Env);
        return map;
    }

    private static Dictionary<string, object?> Input(InputSource input)
    {
        var map = new Dictionary<string, object?>();
        if (input.Alias is not null)
        {
            map["Alias"] = input.Alias;
        }

        if (input.Target.Length > 0)
        {
            map["Target"] = input.Target;
        }

        map["Source"] = Config(input.Source);
        return map;
    }

    private static Dictionary<string, object?> Config(SpecConfig config)
    {
        var map = new Dictionary<string, object?> { ["Type"] = config.Type };
        if (config.Params.Count > 0)
        {
            map["Params"] = config.Params;
        }

        return map;
    }

    private static void AddMap(Dictionary<string, object?> map, string key, IReadOnlyDictionary<string, string> values)
    {
        if (values.Count > 0)
        {
            map[key] = values.ToDictionary(kv => kv.Key, kv => (object?)kv.Value, StringComparer.Ordinal);
        }
    }

    // Whole seconds as Bacalhau writes them; anything finer as a duration the binder reads back exactly.
    private static void AddDuration(Dictionary<string, object?> map, string key, TimeSpan? value)
    {
        if (value is not { } span)
        {
            return;
        }

        map[key] = span.Ticks % TimeSpan.TicksPerSecond == 0
            ? (object)(long)span.TotalSeconds
            : span.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture) + "ms";
    }

    private static string OperatorText(ConstraintOperator op) => op switch
    {
        ConstraintOperator.In => "in",
        ConstraintOperator.NotIn => "notin",
        ConstraintOperator.Exists => "exists",
        ConstraintOperator.KeyNotIn => "KeyNotIn",
        ConstraintOperator.Equal => "=",
        ConstraintOperator.NotEqual => "!=",
        ConstraintOperator.GreaterThan => "gt",
        ConstraintOperator.LessThan => "lt",
        _ => op.ToString(),
    };
}
