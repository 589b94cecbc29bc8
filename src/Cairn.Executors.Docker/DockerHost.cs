namespace Cairn.Executors.Docker;

/// <summary>
/// Where the container runtime's API socket is: a configured <c>unix://</c> address, else
/// <c>$CAIRN_DOCKER_HOST</c>, else <c>$DOCKER_HOST</c> (when it is a unix socket), else Podman's rootful
/// socket when it exists, else Docker's.
/// </summary>
public static class DockerHost
{
    /// <summary>Cairn's own environment variable for the socket (wins over <c>DOCKER_HOST</c>).</summary>
    public const string CairnEnvironmentVariable = "CAIRN_DOCKER_HOST";

    /// <summary>The Docker CLI's environment variable.</summary>
    public const string DockerEnvironmentVariable = "DOCKER_HOST";

    /// <summary>Podman's rootful API socket (<c>podman.socket</c>).</summary>
    public const string PodmanSocket = "/run/podman/podman.sock";

    /// <summary>Docker's socket.</summary>
    public const string DockerSocket = "/var/run/docker.sock";

    /// <summary>
    /// The socket path to use: <paramref name="configured"/> when given, else the environment, else
    /// the first of the default sockets that exists (Docker's when none does).
    /// </summary>
    public static string Resolve(string? configured = null)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return ToSocketPath(configured, "DockerHost");
        }

        if (Environment.GetEnvironmentVariable(CairnEnvironmentVariable) is { Length: > 0 } cairn)
        {
            return ToSocketPath(cairn, CairnEnvironmentVariable);
        }

        // DOCKER_HOST may name a TCP daemon (tcp://, ssh://), which this executor does not speak: skip it then.
        if (Environment.GetEnvironmentVariable(DockerEnvironmentVariable) is { Length: > 0 } docker
            && (docker.StartsWith("unix://", StringComparison.Ordinal) || docker.StartsWith('/')))
        {
            return ToSocketPath(docker, DockerEnvironmentVariable);
        }

        return File.Exists(PodmanSocket) ? PodmanSocket : DockerSocket;
    }

    /// <summary>The socket path of a <c>unix:///path</c> address (or a bare absolute path).</summary>
    public static string ToSocketPath(string address, string setting = "DockerHost")
    {
        ArgumentNullException.ThrowIfNull(address);
        var path = address.StartsWith("unix://", StringComparison.Ordinal) ? address["unix://".Length..] : address;
        if (!path.StartsWith('/'))
        {
            throw new CairnException(ErrorCode.InvalidArgument, $"{setting}: expected a unix socket address such as unix:///run/podman/podman.sock, got \"{address}\".")
            {
                Hint = "The docker executor speaks the Docker Engine API over a local unix socket only (tcp:// and ssh:// are not supported).",
            };
        }

        return path;
    }
}
