using Cairn.Multiformats;
using FsCheck;
using FsCheck.Fluent;

namespace Cairn.Abstractions.Tests.Multiformats;

public class VarintTests
{
    private static readonly Gen<ulong> Values = Gen.OneOf(
        ArbMap.Default.GeneratorFor<ulong>().Select(v => v & long.MaxValue),
        Gen.Choose(0, 63).SelectMany(bits => ArbMap.Default.GeneratorFor<ulong>().Select(v => bits == 0 ? 0UL : (v & long.MaxValue) >> (63 - bits))),
        Gen.Elements(0UL, 0x7fUL, 0x80UL, 0x3fffUL, 0x4000UL, (ulong)long.MaxValue));

    [Fact]
    public void WriteRead_AnyValueUpTo2Pow63_RoundTripsWithSizeOf()
    {
        Prop.ForAll(Values.ToArbitrary(), value =>
        {
            var bytes = Varint.Encode(value);
            var back = Varint.Read(bytes, out var length);
            return back == value && length == bytes.Length && bytes.Length == Varint.SizeOf(value) && bytes.Length <= Varint.MaxLength;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Read_NonMinimalEncoding_IsRejected()
    {
        // Re-encoding any value with one extra 0x00 group keeps its value but is not minimal.
        Prop.ForAll(Values.Where(v => Varint.SizeOf(v) < Varint.MaxLength).ToArbitrary(), value =>
        {
            var bytes = Varint.Encode(value);
            bytes[^1] |= 0x80;
            byte[] padded = [.. bytes, 0x00];
            var e = Assert.Throws<CairnException>(() => Varint.Read(padded, out _));
            return e.Code == ErrorCode.InvalidInput && e.Message.Contains("minimal", StringComparison.Ordinal);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Read_Truncated_IsFalseOrThrows()
    {
        Prop.ForAll(Values.Where(v => v >= 0x80).ToArbitrary(), value =>
        {
            var bytes = Varint.Encode(value);
            for (var n = 0; n < bytes.Length; n++)
            {
                if (Varint.TryRead(bytes.AsSpan(0, n), out _, out _))
                {
                    return false;
                }

                Assert.Throws<CairnException>(() => Varint.Read(bytes.AsSpan(0, n), out _));
            }

            return true;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Read_TenBytes_IsRejected()
    {
        byte[] bytes = [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01];
        var e = Assert.Throws<CairnException>(() => Varint.Read(bytes, out _));
        Assert.Contains("9 bytes", e.Message);
    }

    [Fact]
    public void Write_Above2Pow63_IsRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Varint.Encode((ulong)long.MaxValue + 1));
    }

    [Fact]
    public void Read_StopsAtFirstByteWithoutContinuation()
    {
        Prop.ForAll(Values.ToArbitrary(), ArbMap.Default.GeneratorFor<byte[]>().Where(b => b is not null).ToArbitrary(), (value, tail) =>
        {
            var bytes = Varint.Encode(value);
            return Varint.Read([.. bytes, .. tail], out var length) == value && length == bytes.Length;
        }).QuickCheckThrowOnFailure();
    }
}
