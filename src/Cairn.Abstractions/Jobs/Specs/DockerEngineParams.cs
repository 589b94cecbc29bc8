namespace Cairn.Jobs.Specs;

/// <summary>The parameters of the <c>docker</c> engine, as Bacalhau names them.</summary>
public sealed record DockerEngineParams
{
    /// <summary>The engine's name in specs.</summary>
    public const string EngineType = "docker";

    /// <summary>The image (<c>busybox:1.36</c>, <c>ubuntu@sha256:...</c>).</summary>
    public required string Image { get; init; }

    /// <summary>Overrides the image's entrypoint.</summary>
    public IReadOnlyList<string> Entrypoint { get; init; } = [];

    /// <summary>Arguments (the image's CMD).</summary>
    public IReadOnlyList<string> Parameters { get; init; } = [];

    /// <summary>Environment variables as <c>NAME=value</c>.</summary>
    public IReadOnlyList<string> EnvironmentVariables { get; init; } = [];

    /// <summary>The working directory inside the container (absolute).</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Reads the parameters of a <c>docker</c> engine spec; throws <see cref="JobSpecException"/> when malformed.</summary>
    public static DockerEngineParams FromSpec(SpecConfig engine, string path = "Engine")
    {
        ArgumentNullException.ThrowIfNull(engine);
        var reader = new SpecReader();
        var result = Read(reader, engine, path);
        return reader.Errors.Count > 0 || result is null ? throw new JobSpecException(reader.Errors) : result;
    }

    internal static DockerEngineParams? Read(SpecReader reader, SpecConfig engine, string enginePath)
    {
        var map = new SpecMap(reader, engine.Params, SpecReader.Child(enginePath, "Params"));
        var image = reader.String(map.Take("Image"), map.Child("Image"));
        var entrypoint = reader.StringList(map.Take("Entrypoint"), map.Child("Entrypoint"));
        var parameters = reader.StringList(map.Take("Parameters"), map.Child("Parameters"));
        var envPath = map.Child("EnvironmentVariables");
        var envValue = map.Take("EnvironmentVariables");

        // Bacalhau takes a list of NAME=value; a mapping is accepted too since the wasm engine uses one.
        var env = envValue is IReadOnlyDictionary<string, object?>
            ? reader.StringMap(envValue, envPath).Select(kv => kv.Key + "=" + kv.Value).ToList()
            : reader.StringList(envValue, envPath);
        for (var i = 0; i < env.Count; i++)
        {
            if (env[i].IndexOf('=', StringComparison.Ordinal) <= 0)
            {
                reader.Error(SpecReader.Index(envPath, i), $"expected NAME=value, got \"{env[i]}\"");
            }
        }

        var workdir = reader.String(map.Take("WorkingDirectory"), map.Child("WorkingDirectory"));
        map.Finish();
        if (string.IsNullOrWhiteSpace(image))
        {
            reader.Error(map.Child("Image"), "required: the container image to run", "Give Image: busybox:1.36 (or any image the node can pull).");
            return null;
        }

        if (workdir is not null && !workdir.StartsWith('/'))
        {
            reader.Error(map.Child("WorkingDirectory"), $"must be an absolute path, got \"{workdir}\"");
        }

        return new DockerEngineParams
        {
            Image = image,
            Entrypoint = entrypoint,
            Parameters = parameters,
            EnvironmentVariables = env,
            WorkingDirectory = workdir,
        };
    }
}
