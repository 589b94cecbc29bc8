using Cairn.Multiformats;

namespace Cairn.Content.Car;

/// <summary>
/// Reads a CARv1 stream section by section, tracking the byte offset of everything it reads so
/// that every rejection names where the file went wrong. Verifies nothing but the framing.
/// </summary>
internal sealed class CarStreamReader
{
    private readonly Stream _stream;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;
    private long _bufferOffset;
    private bool _eof;

    public CarStreamReader(Stream stream) => _stream = stream;

    /// <summary>The offset of the next unread byte.</summary>
    public long Position => _bufferOffset + _start;

    public static CairnException Invalid(long offset, string reason, ErrorCode code = ErrorCode.InvalidInput) =>
        new(code, $"Invalid CAR at byte offset {offset}: {reason}.")
        {
            Hint = "The file is damaged or not a CARv1 (https://ipld.io/specs/transport/car/carv1/); nothing from it was pinned.",
        };

    /// <summary>Reads a length varint; null at a clean end of stream (no byte at all).</summary>
    public async ValueTask<ulong?> ReadLengthAsync(string what, CancellationToken cancellationToken)
    {
        await FillAsync(Varint.MaxLength + 1, cancellationToken);
        var at = Position;
        if (_start == _end)
        {
            return null;
        }

        ulong value;
        int length;
        try
        {
            if (!Varint.TryRead(_buffer.AsSpan(_start, _end - _start), out value, out length))
            {
                throw Invalid(at, $"the file is truncated inside the {what} varint");
            }
        }
        catch (CairnException e) when (e.Code == ErrorCode.InvalidInput && !e.Message.StartsWith("Invalid CAR", StringComparison.Ordinal))
        {
            throw Invalid(at, $"bad {what} varint ({e.Message.TrimEnd('.')})");
        }

        _start += length;
        return value;
    }

    /// <summary>Reads exactly <paramref name="length"/> bytes or throws a truncation error naming <paramref name="sectionOffset"/>.</summary>
    public async ValueTask<byte[]> ReadExactlyAsync(int length, long sectionOffset, string what, CancellationToken cancellationToken)
    {
        var result = new byte[length];
        await ReadExactlyAsync(result, length, sectionOffset, what, cancellationToken);
        return result;
    }

    /// <summary>Reads exactly <paramref name="length"/> bytes into the start of <paramref name="result"/> (a pooled buffer may be longer).</summary>
    public async ValueTask ReadExactlyAsync(byte[] result, int length, long sectionOffset, string what, CancellationToken cancellationToken)
    {
        var have = Math.Min(length, _end - _start);
        _buffer.AsSpan(_start, have).CopyTo(result);
        _start += have;
        var filled = have;
        while (filled < length)
        {
            var n = _eof ? 0 : await _stream.ReadAsync(result.AsMemory(filled, length - filled), cancellationToken);
            if (n == 0)
            {
                _eof = true;
                throw Invalid(sectionOffset, $"the file is truncated: the {what} announces {length} bytes but only {filled} remain (the file ends at offset {_bufferOffset + _end + (filled - have)})");
            }

            filled += n;
        }

        // Bytes read straight into the result bypassed the buffer: account for them.
        _bufferOffset += filled - have;
    }

    private async ValueTask FillAsync(int want, CancellationToken cancellationToken)
    {
        if (_end - _start >= want || _eof)
        {
            return;
        }

        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _bufferOffset += _start;
            _end -= _start;
            _start = 0;
        }

        while (_end - _start < want && !_eof)
        {
            var n = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
            if (n == 0)
            {
                _eof = true;
            }

            _end += n;
        }
    }
}
