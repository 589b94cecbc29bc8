namespace Cairn.Jobs.Specs;

/// <summary>
/// The parameters of the <c>wasm</c> engine, as Bacalhau names them: the module to run
/// (<see cref="EntryModule"/>, an input source), the function to call, argv, environment and modules
/// whose exports the entry module imports.
/// </summary>
public sealed record WasmEngineParams
{
    /// <summary>The engine's name in specs.</summary>
    public const string EngineType = "wasm";

    internal static readonly string[] Fields = ["EntryModule", "Entrypoint", "Parameters", "EnvironmentVariables", "ImportModules"];

    /// <summary>Where the module comes from (usually <c>ipfs</c> or <c>inline</c>).</summary>
    public required InputSource EntryModule { get; init; }

    /// <summary>The exported function to call: <c>_start</c> for WASI commands.</summary>
    public string Entrypoint { get; init; } = "_start";

    /// <summary>Arguments passed as argv[1..].</summary>
    public IReadOnlyList<string> Parameters { get; init; } = [];

    /// <summary>Environment variables.</summary>
    public IReadOnlyDictionary<string, string> EnvironmentVariables { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Modules whose exports are available as imports to the entry module.</summary>
    public IReadOnlyList<InputSource> ImportModules { get; init; } = [];

    /// <summary>Reads the parameters of a <c>wasm</c> engine spec; throws <see cref="JobSpecException"/> when malformed.</summary>
    public static WasmEngineParams FromSpec(SpecConfig engine, string path = "Engine")
    {
        ArgumentNullException.ThrowIfNull(engine);
        var reader = new SpecReader();
        var result = Read(reader, engine, path);
        return reader.Errors.Count > 0 || result is null ? throw new JobSpecException(reader.Errors) : result;
    }

    internal static WasmEngineParams? Read(SpecReader reader, SpecConfig engine, string enginePath)
    {
        var path = SpecReader.Child(enginePath, "Params");
        var map = new SpecMap(reader, engine.Params, path);
        var entryPath = map.Child("EntryModule");
        var entry = map.Take("EntryModule");
        var entryModule = entry is string text
            ? ShortModuleSource(reader, text, entryPath)
            : JobSpecBinder.ReadInputSource(reader, entry, entryPath);
        var entrypoint = reader.String(map.Take("Entrypoint"), map.Child("Entrypoint"));
        var parameters = reader.StringList(map.Take("Parameters"), map.Child("Parameters"));
        var env = reader.StringMap(map.Take("EnvironmentVariables"), map.Child("EnvironmentVariables"));
        var importsPath = map.Child("ImportModules");
        var importList = reader.List(map.Take("ImportModules"), importsPath) ?? [];
        var imports = new List<InputSource>();
        for (var i = 0; i < importList.Count; i++)
        {
            var import = JobSpecBinder.ReadInputSource(reader, importList[i], SpecReader.Index(importsPath, i));
            if (import is not null)
            {
                imports.Add(import);
            }
        }

        map.Finish();
        if (entry is null)
        {
            reader.Error(entryPath, "required: the Wasm module to run", "Give EntryModule: {Source: {Type: ipfs, Params: {CID: ...}}} or an inline data: URL.");
            return null;
        }

        if (string.IsNullOrWhiteSpace(entrypoint) && entrypoint is not null)
        {
            reader.Error(map.Child("Entrypoint"), "must not be empty", "Leave Entrypoint out to call _start, the WASI command entry point.");
        }

        return entryModule is null ? null : new WasmEngineParams
        {
            EntryModule = entryModule,
            Entrypoint = string.IsNullOrWhiteSpace(entrypoint) ? "_start" : entrypoint,
            Parameters = parameters,
            EnvironmentVariables = env,
            ImportModules = imports,
        };
    }

    // Older Bacalhau specs name the module by a bare CID or URL string; read those as a source.
    private static InputSource? ShortModuleSource(SpecReader reader, string text, string path)
    {
        if (text.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            return new InputSource { Source = new SpecConfig { Type = "inline", Params = SpecParams.Create([new("URL", text)]) } };
        }

        if (text.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            return new InputSource { Source = new SpecConfig { Type = "url", Params = SpecParams.Create([new("URL", text)]) } };
        }

        if (Multiformats.Cid.TryParse(text, out _))
        {
            return new InputSource { Source = new SpecConfig { Type = "ipfs", Params = SpecParams.Create([new("CID", text)]) } };
        }

        reader.Error(path, $"expected an input source, a CID or a data: URL, got \"{text}\"");
        return null;
    }
}
