using Microsoft.AspNetCore.Http;

namespace Cairn.Api.Endpoints;

/// <summary>
/// Buffers a file being exported until it is larger than <c>cap</c>, then starts the response and
/// streams the rest. A small file (the common case: results, logs) is thus answered only once it
/// was read and verified whole, so a missing or damaged block is a clean problem answer; a large
/// one is not held in memory, and a failure after the 200 went out cuts the connection instead.
/// </summary>
internal sealed class ResponseSpillStream : Stream
{
    private readonly HttpResponse _response;
    private readonly string _contentType;
    private readonly int _cap;
    private MemoryStream? _buffer = new();
    private long _length;

    public ResponseSpillStream(HttpResponse response, string contentType, int cap)
    {
        _response = response;
        _contentType = contentType;
        _cap = cap;
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => _length;

    public override long Position
    {
        get => _length;
        set => throw new NotSupportedException();
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        _length += buffer.Length;
        if (_buffer is not null)
        {
            if (_buffer.Length + buffer.Length <= _cap)
            {
                _buffer.Write(buffer.Span);
                return;
            }

            await StartAsync(chunked: true, cancellationToken);
        }

        await _response.Body.WriteAsync(buffer, cancellationToken);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Sends what is buffered (with its length) when the response has not started yet.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        if (_buffer is not null)
        {
            await StartAsync(chunked: false, cancellationToken);
        }

        await _response.Body.FlushAsync(cancellationToken);
    }

    private async Task StartAsync(bool chunked, CancellationToken cancellationToken)
    {
        var buffered = _buffer!;
        _buffer = null;
        _response.StatusCode = StatusCodes.Status200OK;
        _response.ContentType = _contentType;
        if (!chunked)
        {
            _response.ContentLength = buffered.Length;
        }

        await _response.Body.WriteAsync(buffered.GetBuffer().AsMemory(0, (int)buffered.Length), cancellationToken);
        await buffered.DisposeAsync();
    }

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("Write asynchronously: Kestrel forbids synchronous I/O.");

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _buffer?.Dispose();
            _buffer = null;
        }

        base.Dispose(disposing);
    }
}
