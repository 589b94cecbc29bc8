using Cairn.Content.Exchange;
using Cairn.Multiformats;

namespace Cairn.Content.Tests.Exchange;

public sealed class StaticPeerSourceTests
{
    [Fact]
    public async Task Parse_UrlsWithAndWithoutPaths_NormalizesToBasesAndDropsDuplicates()
    {
        var source = StaticPeerSource.Parse(["http://10.0.0.2:4780", "http://10.0.0.2:4780/", "https://gw.example/prefix?x=1"]);

        Assert.Equal([new Uri("http://10.0.0.2:4780/"), new Uri("https://gw.example/prefix/")], source.Peers);
        var cid = Cid.Compute(1, Multicodec.Raw, "x"u8);
        Assert.Equal(source.Peers, await source.GetPeersAsync(cid));
        // A gateway behind a path prefix keeps it when the request path is resolved against the base.
        Assert.Equal($"https://gw.example/prefix/ipfs/{cid}", new Uri(source.Peers[1], $"ipfs/{cid}").ToString());
    }

    [Theory]
    [InlineData("10.0.0.2:4780")]
    [InlineData("ftp://10.0.0.2/")]
    [InlineData("not a url")]
    public void Parse_NotAnHttpUrl_InvalidArgumentNamingIt(string url)
    {
        var e = Assert.Throws<CairnException>(() => StaticPeerSource.Parse([url]));

        Assert.Equal(ErrorCode.InvalidArgument, e.Code);
        Assert.Contains(url, e.Message, StringComparison.Ordinal);
        Assert.NotNull(e.Hint);
    }
}
