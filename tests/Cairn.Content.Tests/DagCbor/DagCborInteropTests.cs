using System.Text;
using Codec = Cairn.Content.DagCbor.DagCbor;

namespace Cairn.Content.Tests.DagCbor;

/// <summary>Cairn's DAG-CBOR against the reference @ipld/dag-cbor, on hand-picked and seeded random values.</summary>
public class DagCborInteropTests(DagCborOracleFixture oracle) : IClassFixture<DagCborOracleFixture>
{
    [Fact]
    public void Encode_EveryValue_IsByteIdenticalToReference()
    {
        Assert.Equal(oracle.Cases.Count, oracle.Results.Count);
        var failures = new StringBuilder();
        for (var i = 0; i < oracle.Cases.Count; i++)
        {
            var (name, value, ours) = oracle.Cases[i];
            var result = oracle.Results[i];
            if (result.Bytes is null)
            {
                failures.AppendLine($"{name}: the reference failed to encode: {result.EncodeError}");
            }
            else if (!result.Bytes.AsSpan().SequenceEqual(ours))
            {
                failures.AppendLine($"{name}: {DagCborSamples.Describe(value)}\n  ours {Convert.ToHexString(ours)}\n  ref  {Convert.ToHexString(result.Bytes)}");
            }
        }

        Assert.True(failures.Length == 0, failures.ToString());

        // The random values must actually exercise the reference's own float path, not just the F64 wrapper.
        Assert.Contains(oracle.Results, r => !r.ExtendedFloat);
        Assert.True(oracle.Results.Count(r => !r.ExtendedFloat) > DagCborOracleFixture.RandomCount / 2);
    }

    [Fact]
    public void Decode_ByReference_GivesTheOriginalValue()
    {
        var failures = oracle.Cases.Zip(oracle.Results)
            .Where(p => !p.Second.DecodesOurs)
            .Select(p => $"{p.First.Name}: {p.Second.DecodeError ?? "decoded to a different value"}")
            .ToList();
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [Fact]
    public void Decode_ReferenceBytes_GivesTheOriginalValue()
    {
        var failures = new List<string>();
        for (var i = 0; i < oracle.Cases.Count; i++)
        {
            var (name, value, _) = oracle.Cases[i];
            var reference = oracle.Results[i].Bytes;
            if (reference is null)
            {
                failures.Add($"{name}: no reference bytes");
                continue;
            }

            var decoded = Codec.Decode(reference);
            if (!DagCborSamples.DeepEquals(value, decoded))
            {
                failures.Add($"{name}: decoded {DagCborSamples.Describe(decoded)}");
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [Fact]
    public void NonCanonicalInputs_ReferenceRejectsExactlyThoseMarked()
    {
        // Where the reference accepts (unsorted keys, narrow floats, undefined, invalid UTF-8, deep
        // nesting), Cairn is stricter; DagCborRejectionTests shows Cairn rejects every one of them.
        var samples = DagCborNonCanonical.All;
        Assert.Equal(samples.Count, oracle.Rejections.Count);
        var mismatches = samples.Zip(oracle.Rejections)
            .Where(p => p.First.NodeRejects != p.Second.Rejected)
            .Select(p => $"{p.First.Name}: expected the reference to {(p.First.NodeRejects ? "reject" : "accept")} it, it {(p.Second.Rejected ? "rejected it: " + p.Second.Error : "accepted it")}")
            .ToList();
        Assert.True(mismatches.Count == 0, string.Join('\n', mismatches));
    }

    [Fact]
    public void TruncatedEncoding_RejectedByReferenceAndByCairn()
    {
        Assert.Equal(oracle.TruncationInputs.Count, oracle.TruncationRejections.Count);
        for (var i = 0; i < oracle.TruncationInputs.Count; i++)
        {
            Assert.True(oracle.TruncationRejections[i].Rejected, $"the reference accepted a {i}-byte prefix");
            var prefix = oracle.TruncationInputs[i];
            var e = Assert.Throws<CairnException>(() => Codec.Decode(prefix));
            Assert.Equal(ErrorCode.InvalidInput, e.Code);
        }
    }
}
