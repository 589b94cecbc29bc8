using System.Buffers.Binary;
using System.Text;

namespace Cairn.Wasm.Binary;

/// <summary>Reads the primitive encodings of the binary format (LEB128, floats, names) with strict checks.</summary>
internal sealed class WasmReader
{
    private static readonly UTF8Encoding s_strictUtf8 = new(false, true);
    private readonly byte[] _data;

    public WasmReader(byte[] data, int position, int end)
    {
        _data = data;
        Position = position;
        End = end;
    }

    public int Position { get; set; }

    public int End { get; set; }

    public string Section { get; set; } = "header";

    public bool AtEnd => Position >= End;

    public byte[] Data => _data;

    public CairnException Error(string message) => Error(message, Position);

    public CairnException Error(string message, int offset) =>
        new(ErrorCode.InvalidInput, $"malformed module: {message} (section {Section}, offset 0x{offset:x})")
        {
            Hint = "Check that the file is a WebAssembly binary produced by a conforming tool (wat2wasm, clang, rustc).",
        };

    public byte ReadByte()
    {
        if (Position >= End)
        {
            throw Error(End >= _data.Length ? "unexpected end of module" : "unexpected end of section or function");
        }

        return _data[Position++];
    }

    public byte PeekByte()
    {
        if (Position >= End)
        {
            throw Error("unexpected end");
        }

        return _data[Position];
    }

    public uint ReadU32()
    {
        var start = Position;
        uint result = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = ReadByte();
            if (shift == 28 && (b & 0xF0) != 0)
            {
                throw Error("integer representation too long or integer too large", start);
            }

            result |= (uint)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }
        }
    }

    public int ReadS32()
    {
        var start = Position;
        int result = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = ReadByte();
            if (shift == 28)
            {
                if ((b & 0x80) != 0)
                {
                    throw Error("integer representation too long", start);
                }

                var high = b & 0x78;
                if (high != 0 && high != 0x78)
                {
                    throw Error("integer too large", start);
                }

                return result | (b << 28);
            }

            result |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return shift < 25 && (b & 0x40) != 0 ? result | (-1 << (shift + 7)) : result;
            }
        }
    }

    public long ReadS64()
    {
        var start = Position;
        long result = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = ReadByte();
            if (shift == 63)
            {
                if ((b & 0x80) != 0)
                {
                    throw Error("integer representation too long", start);
                }

                if (b != 0 && b != 0x7F)
                {
                    throw Error("integer too large", start);
                }

                return result | ((long)b << 63);
            }

            result |= (long)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return (b & 0x40) != 0 ? result | (-1L << (shift + 7)) : result;
            }
        }
    }

    /// <summary>Reads a signed 33-bit integer (block types), returned as long.</summary>
    public long ReadS33()
    {
        var start = Position;
        long result = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = ReadByte();
            if (shift == 28)
            {
                if ((b & 0x80) != 0)
                {
                    throw Error("integer representation too long", start);
                }

                var high = b & 0x70;
                if (high != 0 && high != 0x70)
                {
                    throw Error("integer too large", start);
                }

                result |= (long)b << 28;
                return (b & 0x40) != 0 ? result | (-1L << 35) : result;
            }

            result |= (long)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return (b & 0x40) != 0 ? result | (-1L << (shift + 7)) : result;
            }
        }
    }

    public uint ReadF32Bits()
    {
        if (End - Position < 4)
        {
            throw Error("unexpected end");
        }

        var v = BinaryPrimitives.ReadUInt32LittleEndian(_data.AsSpan(Position));
        Position += 4;
        return v;
    }

    public ulong ReadF64Bits()
    {
        if (End - Position < 8)
        {
            throw Error("unexpected end");
        }

        var v = BinaryPrimitives.ReadUInt64LittleEndian(_data.AsSpan(Position));
        Position += 8;
        return v;
    }

    public string ReadName()
    {
        var len = (int)ReadU32();
        if (len < 0 || len > End - Position)
        {
            throw Error("unexpected end: name length exceeds section");
        }

        try
        {
            var s = s_strictUtf8.GetString(_data, Position, len);
            Position += len;
            return s;
        }
        catch (DecoderFallbackException)
        {
            throw Error("malformed UTF-8 encoding");
        }
    }

    public ValType ReadValType()
    {
        var at = Position;
        var b = ReadByte();
        return b switch
        {
            0x7F or 0x7E or 0x7D or 0x7C or 0x70 or 0x6F => (ValType)b,
            0x7B => throw new CairnException(ErrorCode.Unsupported, $"unsupported feature: SIMD (v128 type at offset 0x{at:x}, section {Section})")
            {
                Hint = "Build the module without SIMD (e.g. without -msimd128).",
            },
            _ => throw Error($"malformed value type 0x{b:x2}", at),
        };
    }

    public ValType ReadRefType()
    {
        var at = Position;
        var b = ReadByte();
        return b is 0x70 or 0x6F ? (ValType)b : throw Error($"malformed reference type 0x{b:x2}", at);
    }

    public Limits ReadLimits(uint bound, string what)
    {
        var at = Position;
        var flag = ReadByte();
        if (flag > 1)
        {
            throw Error($"integer too large: limits flag 0x{flag:x2}", at);
        }

        var min = ReadU32();
        uint? max = flag == 1 ? ReadU32() : null;
        _ = bound;
        _ = what;
        return new Limits(min, max);
    }
}
