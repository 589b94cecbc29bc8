using System.Globalization;
using System.Text;

namespace Cairn.Node;

/// <summary>
/// The exclusive lock a running node holds on its home, so a second node on the same home refuses
/// to start instead of sharing the ledger and the job store. The operating system releases it when
/// the process dies, so a node killed with -9 leaves no stale lock behind.
/// </summary>
internal sealed class NodeLock : IDisposable
{
    private readonly FileStream _file;

    private NodeLock(FileStream file) => _file = file;

    public static NodeLock Acquire(string path)
    {
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            var holder = TryReadHolder(path);
            throw new CairnException(ErrorCode.Conflict, $"Another Cairn node is running on the home {Path.GetDirectoryName(path)}{holder}.")
            {
                Hint = "Stop it first, or start this one with another --home.",
            };
        }

        try
        {
            // The lock itself is held with an exclusive flock, which also bars readers: the holder's
            // process id goes in a file beside it so the refusal can name it.
            File.WriteAllText(PidPath(path), Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n", Encoding.UTF8);
        }
        catch
        {
            file.Dispose();
            throw;
        }

        return new NodeLock(file);
    }

    public void Dispose() => _file.Dispose();

    private static string PidPath(string path) => path + ".pid";

    private static string TryReadHolder(string path)
    {
        try
        {
            var pid = File.ReadAllText(PidPath(path)).Trim();
            return string.IsNullOrEmpty(pid) ? string.Empty : $" (process {pid})";
        }
        catch (IOException)
        {
            return string.Empty;
        }
        catch (UnauthorizedAccessException)
        {
            return string.Empty;
        }
    }
}
