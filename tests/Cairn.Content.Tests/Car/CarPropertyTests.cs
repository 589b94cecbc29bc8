using System.Text.RegularExpressions;
using Cairn.Content.Car;
using Cairn.Content.Storage;
using Cairn.Content.Tests.Storage;
using Cairn.Multiformats;
using Cairn.Storage;

namespace Cairn.Content.Tests.Car;

/// <summary>Random DAGs: export/import round-trips, and every strict prefix of a CAR is rejected without a pin.</summary>
public sealed partial class CarPropertyTests
{
    [Fact(Timeout = 120_000)]
    public async Task RandomDags_ExportImport_RoundTripAndEveryTruncationIsRejected()
    {
        var ct = TestTimeout.Token(110);
        for (var seed = 0; seed < 25; seed++)
        {
            var random = new Random(seed);
            var source = new MemoryBlockStore();
            var roots = await BuildDagAsync(source, random, ct);
            using var car = new MemoryStream();
            var exported = await CarWriter.ExportAsync(roots, source, car, ct);
            var bytes = car.ToArray();

            using (var home = new TempHome())
            using (var repo = home.Open())
            {
                var result = await CarImporter.ImportAsync(new MemoryStream(bytes), repo, ct);
                Assert.Equal(exported.Blocks, result.Blocks);
                var stored = 0;
                await foreach (var cid in source.ListAsync(ct))
                {
                    if (await repo.Blocks.GetAsync(cid, ct) is { } got)
                    {
                        Assert.Equal(await source.GetAsync(cid, ct), got);
                        stored++;
                    }
                }

                Assert.Equal(exported.Blocks, stored);
                foreach (var root in roots)
                {
                    Assert.Equal(PinMode.Recursive, (await repo.Pins.GetAsync(root, ct))?.Mode);
                }
            }

            for (var i = 0; i < 4; i++)
            {
                var cut = random.Next(0, bytes.Length);
                using var home = new TempHome();
                using var repo = home.Open();
                var e = await Assert.ThrowsAsync<CairnException>(() => CarImporter.ImportAsync(new MemoryStream(bytes[..cut]), repo, ct));
                if (OffsetPattern().Match(e.Message) is { Success: true } m)
                {
                    Assert.InRange(long.Parse(m.Groups[1].Value), 0, cut);
                }
                else
                {
                    Assert.Equal(ErrorCode.NotFound, e.Code); // cut at a section boundary: the DAG is incomplete
                }

                await foreach (var pin in repo.Pins.ListAsync(ct))
                {
                    Assert.Fail($"seed {seed} cut {cut}: {pin.Cid} stayed pinned");
                }
            }
        }
    }

    private static async Task<List<Cid>> BuildDagAsync(IBlockStore store, Random random, CancellationToken ct)
    {
        var made = new List<Cid>();
        for (var i = random.Next(1, 6); i > 0; i--)
        {
            var data = new byte[random.Next(0, 3000)];
            random.NextBytes(data);
            made.Add(await store.PutAsync((Cid.Compute(1, Multicodec.Raw, data), data), ct));
        }

        for (var i = random.Next(1, 8); i > 0; i--)
        {
            var links = Enumerable.Range(0, random.Next(0, 4)).Select(_ => made[random.Next(made.Count)]).ToArray();
            made.Add(await store.PutAsync(TestBlocks.Node($"n{i}", links), ct));
        }

        // The last node and sometimes one more: every block the export writes is reachable from them.
        var roots = new List<Cid> { made[^1] };
        if (random.Next(2) == 0)
        {
            roots.Add(made[random.Next(made.Count)]);
        }

        return roots;
    }

    [GeneratedRegex(@"byte offset (\d+):")]
    private static partial Regex OffsetPattern();
}
