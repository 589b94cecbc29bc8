using Cairn.Jobs;

namespace Cairn.Executors.Docker.Tests;

/// <summary>Docker engine configs as a spec gives them (Bacalhau's parameter names).</summary>
internal static class DockerSpecs
{
    public static SpecConfig Engine(string image, IReadOnlyList<string>? parameters = null, IReadOnlyList<string>? entrypoint = null, IReadOnlyList<string>? env = null, string? workingDirectory = null)
    {
        var items = new List<KeyValuePair<string, object?>> { new("Image", image) };
        if (parameters is not null)
        {
            items.Add(new("Parameters", parameters.Cast<object?>().ToList()));
        }

        if (entrypoint is not null)
        {
            items.Add(new("Entrypoint", entrypoint.Cast<object?>().ToList()));
        }

        if (env is not null)
        {
            items.Add(new("EnvironmentVariables", env.Cast<object?>().ToList()));
        }

        if (workingDirectory is not null)
        {
            items.Add(new("WorkingDirectory", workingDirectory));
        }

        return new SpecConfig { Type = "docker", Params = SpecParams.Create(items) };
    }
}
