namespace Cairn.Content.DagCbor;

// The members are the IPLD data-model kind names (Integer, Float, String), which is what readers expect.
#pragma warning disable CA1720

/// <summary>The IPLD data-model kind of the next DAG-CBOR item, as reported by <see cref="DagCborReader.PeekKind"/>.</summary>
public enum DagCborKind
{
    /// <summary>CBOR simple value 22.</summary>
    Null,

    /// <summary>CBOR simple values 20 and 21.</summary>
    Bool,

    /// <summary>CBOR major types 0 and 1: an integer from -2^64 to 2^64-1.</summary>
    Integer,

    /// <summary>A 64-bit IEEE 754 float (the only float width DAG-CBOR allows).</summary>
    Float,

    /// <summary>CBOR major type 3: UTF-8 text.</summary>
    String,

    /// <summary>CBOR major type 2: a byte string.</summary>
    Bytes,

    /// <summary>CBOR tag 42 over a byte string: a CID link.</summary>
    Link,

    /// <summary>CBOR major type 4 with a definite length.</summary>
    List,

    /// <summary>CBOR major type 5 with a definite length and string keys in canonical order.</summary>
    Map,
}
#pragma warning restore CA1720
