using FsCheck;
using FsCheck.Fluent;

namespace Cairn.Wasm.Tests;

/// <summary>Malformed, invalid and unsupported modules are rejected with a precise error, and nothing else ever escapes.</summary>
public class DecoderTests
{
    [Fact]
    public void Decode_NotWasm_SaysMagicAndOffset()
    {
        var e = Assert.Throws<CairnException>(() => WasmModule.Decode("hello world"u8.ToArray()));
        Assert.Equal(ErrorCode.InvalidInput, e.Code);
        Assert.Contains("magic", e.Message, StringComparison.Ordinal);
        Assert.Contains("offset 0x0", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_Truncated_NamesSectionAndOffset()
    {
        var bytes = File.ReadAllBytes(TestModules.C("hello"));
        var e = Assert.Throws<CairnException>(() => WasmModule.Decode(bytes[..(bytes.Length / 2)]));
        Assert.Matches("section [a-z]+, offset 0x[0-9a-f]+", e.Message);
    }

    [Fact]
    public void Decode_HugeSectionSize_IsRejectedWithoutAllocating()
    {
        byte[] bytes = [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x01];
        var e = Assert.Throws<CairnException>(() => WasmModule.Decode(bytes));
        Assert.Contains("section type", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_HugeCounts_AreRejectedWithoutAllocating()
    {
        // A type section claiming 2^32-1 function types, each claiming 2^32-1 parameters.
        byte[] bytes = [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00, 0x01, 0x0B, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x60, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F];
        Assert.Throws<CairnException>(() => WasmModule.Decode(bytes));
    }

    [Fact]
    public void Decode_Simd_IsUnsupportedFeature()
    {
        var e = Assert.Throws<CairnException>(() => WasmModule.Decode(TestModules.WatBytes("simd")));
        Assert.Equal(ErrorCode.Unsupported, e.Code);
        Assert.Contains("unsupported feature: SIMD", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_TypeError_NamesFunctionAndOffset()
    {
        // (func (result i32) (i64.const 0))
        byte[] bytes =
        [
            0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00,
            0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7F,
            0x03, 0x02, 0x01, 0x00,
            0x0A, 0x06, 0x01, 0x04, 0x00, 0x42, 0x00, 0x0B,
        ];
        var e = Assert.Throws<CairnException>(() => WasmModule.Decode(bytes));
        Assert.Contains("type mismatch", e.Message, StringComparison.Ordinal);
        Assert.Contains("function func[0]", e.Message, StringComparison.Ordinal);
        Assert.Contains("offset 0x1a", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_RandomBytes_OnlyEverThrowsCairnException()
    {
        Prop.ForAll<byte[]>(tail =>
        {
            byte[] bytes = [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00, .. tail];
            return DecodesOrRejectsCleanly(bytes);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Decode_MutatedRealModule_OnlyEverThrowsCairnException()
    {
        var original = File.ReadAllBytes(TestModules.C("wc"));
        var gen = Gen.Choose(8, original.Length - 1).SelectMany(pos => Gen.Choose(0, 255).Select(b => (pos, (byte)b)));
        Prop.ForAll(Arb.From(gen.ArrayOf()), mutations =>
        {
            var bytes = (byte[])original.Clone();
            foreach (var (pos, b) in mutations)
            {
                bytes[pos] = b;
            }

            return DecodesOrRejectsCleanly(bytes);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(200));
    }

    private static bool DecodesOrRejectsCleanly(byte[] bytes)
    {
        try
        {
            // Whatever validates must also compile and JIT (invalid IL would only surface on first call).
            var compiled = WasmEngine.CompileUncached(bytes, new CompileOptions { Eager = true });
            for (var i = 0; i < compiled.Module.Bodies.Count; i++)
            {
                System.Runtime.CompilerServices.RuntimeHelpers.PrepareMethod(compiled.MethodOf(i).MethodHandle);
            }

            return true;
        }
        catch (CairnException)
        {
            return true;
        }
    }
}
