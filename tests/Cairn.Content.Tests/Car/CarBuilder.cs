using Cairn.Multiformats;

namespace Cairn.Content.Tests.Car;

/// <summary>Hand-assembles CAR bytes (valid or deliberately broken) and tracks section offsets.</summary>
internal sealed class CarBuilder
{
    private readonly List<byte> _bytes = [];

    public long Length => _bytes.Count;

    public CarBuilder Header(params Cid[] roots) => RawHeader(Content.Car.CarHeader.EncodeV1(roots));

    public CarBuilder RawHeader(byte[] header)
    {
        Varint(checked((ulong)header.Length));
        _bytes.AddRange(header);
        return this;
    }

    /// <summary>Appends a section and returns its offset.</summary>
    public long Section(Cid cid, byte[] block)
    {
        var at = _bytes.Count;
        Varint(checked((ulong)(cid.Bytes.Length + block.Length)));
        _bytes.AddRange(cid.Bytes);
        _bytes.AddRange(block);
        return at;
    }

    public CarBuilder Bytes(params byte[] bytes)
    {
        _bytes.AddRange(bytes);
        return this;
    }

    public CarBuilder Varint(ulong value)
    {
        _bytes.AddRange(Multiformats.Varint.Encode(value));
        return this;
    }

    public byte[] ToArray() => _bytes.ToArray();
}
