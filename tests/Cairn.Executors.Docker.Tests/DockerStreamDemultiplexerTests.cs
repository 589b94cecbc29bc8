using System.Buffers.Binary;
using System.Text;

namespace Cairn.Executors.Docker.Tests;

public sealed class DockerStreamDemultiplexerTests
{
    [Fact(Timeout = 10_000)]
    public async Task Copy_Frames_GoToTheirStreamsInOrder()
    {
        var input = Frames((1, "out1\n"), (2, "err1\n"), (1, ""), (1, "out2\n"), (0, "stdin is dropped"), (2, "err2\n"));
        var (stdout, stderr) = await CopyAsync(new MemoryStream(input));
        Assert.Equal("out1\nout2\n", stdout);
        Assert.Equal("err1\nerr2\n", stderr);
    }

    [Fact(Timeout = 10_000)]
    public async Task Copy_ReadsOneByteAtATime_GivesTheSameOutput()
    {
        var big = new string('x', 200_000);
        var input = Frames((1, "a"), (2, big), (1, "b"));
        var (stdout, stderr) = await CopyAsync(new TrickleStream(input));
        Assert.Equal("ab", stdout);
        Assert.Equal(big, stderr);
    }

    [Fact(Timeout = 10_000)]
    public async Task Copy_SecondReadOfTheWholeLog_WritesOnlyWhatTheFirstMissed()
    {
        var stdout = new MemoryStream();
        var stderr = new MemoryStream();
        var progress = new LogProgress();
        // The follow saw the first stdout line cut inside a frame and nothing of stderr's second frame.
        await DockerStreamDemultiplexer.CopyAsync(new MemoryStream(Frames((1, "line 1\n"), (2, "err 1\n"), (1, "line 2\n"))[..^3]), stdout, stderr, progress, CancellationToken.None)
            .ContinueWith(_ => { }, TaskScheduler.Default);
        Assert.Equal(("line 1\nline", "err 1\n"), (Encoding.UTF8.GetString(stdout.ToArray()), Encoding.UTF8.GetString(stderr.ToArray())));
        Assert.Equal((11L, 6L), (progress.Stdout, progress.Stderr));

        var whole = Frames((1, "line 1\n"), (2, "err 1\n"), (1, "line 2\n"), (2, "err 2\n"), (1, "line 3\n"));
        await DockerStreamDemultiplexer.CopyAsync(new TrickleStream(whole), stdout, stderr, progress, CancellationToken.None);

        Assert.Equal("line 1\nline 2\nline 3\n", Encoding.UTF8.GetString(stdout.ToArray()));
        Assert.Equal("err 1\nerr 2\n", Encoding.UTF8.GetString(stderr.ToArray()));
        Assert.Equal((21L, 12L), (progress.Stdout, progress.Stderr));

        // A third read finds nothing new.
        await DockerStreamDemultiplexer.CopyAsync(new MemoryStream(whole), stdout, stderr, progress, CancellationToken.None);
        Assert.Equal(21, stdout.Length);
        Assert.Equal(12, stderr.Length);
    }

    [Fact(Timeout = 10_000)]
    public async Task Copy_TruncatedFrame_IsAnIoError()
    {
        var input = Frames((1, "hello"));
        var e = await Assert.ThrowsAsync<CairnException>(() => CopyAsync(new MemoryStream(input[..^2])));
        Assert.Equal(ErrorCode.IoError, e.Code);
        Assert.Contains("2 bytes missing", e.Message, StringComparison.Ordinal);
        e = await Assert.ThrowsAsync<CairnException>(() => CopyAsync(new MemoryStream(input[..5])));
        Assert.Contains("frame header", e.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 10_000)]
    public async Task Copy_UnframedText_IsRejected()
    {
        // What a TTY container's raw output would look like: not frames.
        var e = await Assert.ThrowsAsync<CairnException>(() => CopyAsync(new MemoryStream("hello world\n"u8.ToArray())));
        Assert.Contains("malformed frame header", e.Message, StringComparison.Ordinal);
    }

    private static async Task<(string Stdout, string Stderr)> CopyAsync(Stream source)
    {
        var stdout = new MemoryStream();
        var stderr = new MemoryStream();
        await DockerStreamDemultiplexer.CopyAsync(source, stdout, stderr, new LogProgress(), CancellationToken.None);
        return (Encoding.UTF8.GetString(stdout.ToArray()), Encoding.UTF8.GetString(stderr.ToArray()));
    }

    private static byte[] Frames(params (byte Stream, string Text)[] frames)
    {
        var output = new MemoryStream();
        foreach (var (stream, text) in frames)
        {
            var payload = Encoding.UTF8.GetBytes(text);
            var header = new byte[8];
            header[0] = stream;
            BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), (uint)payload.Length);
            output.Write(header);
            output.Write(payload);
        }

        return output.ToArray();
    }

    private sealed class TrickleStream(byte[] data) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(1, buffer.Length)], cancellationToken);
    }
}
