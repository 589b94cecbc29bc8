using System.Text;

namespace Cairn.Compute.Tests;

public sealed class LogFileTests
{
    [Fact]
    public void Write_PastTheCap_KeepsTheCapNotesTheRestAndIgnoresWritesAfterComplete()
    {
        using var dir = new TempDir();
        var changes = 0;
        var path = dir.Combine("stdout");
        using var log = new LogFile(path, "stdout", 10, () => changes++);
        log.Write("0123456789abcdef"u8);
        log.Write("more"u8);
        Assert.Equal(10, log.Length);
        Assert.Equal(10, log.Dropped);
        log.Complete();
        log.Write("late"u8);
        log.Complete();
        Assert.Equal("0123456789\n[cairn: 10 more bytes of stdout were dropped; a node keeps 10 bytes per stream]\n", File.ReadAllText(path, Encoding.UTF8));
        Assert.Equal(new FileInfo(path).Length, log.Length);
        Assert.Equal(2, changes);
    }
}
