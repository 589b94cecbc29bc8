using System.CommandLine;
using Cairn.Multiformats;

namespace Cairn.Cli.Commands;

/// <summary><c>cairn cid format|convert</c>.</summary>
internal static class CidCommand
{
    public static Command Create()
    {
        var command = new Command("cid", "Inspect and convert content identifiers.");
        var cidArg = new Argument<string>("cid") { Description = "A CID (Qm… or bafy…/bafk…)." };
        var format = new Command("format", "Print a CID's parts: version, codec, multihash, and its v0/v1 forms.") { cidArg };
        format.SetAction((parse, _) =>
        {
            var cid = Cid.Parse(parse.GetRequiredValue(cidArg));
            Console.WriteLine($"cid:       {cid}");
            Console.WriteLine($"version:   {cid.Version}");
            Console.WriteLine($"codec:     {Multicodec.NameOf(cid.Codec)}");
            Console.WriteLine($"multihash: {Multicodec.NameOf(cid.HashCode)} {Convert.ToHexStringLower(cid.Digest)}");
            Console.WriteLine($"v1:        {cid.ToV1()}");
            if (cid.Codec == Multicodec.DagPb && cid.HashCode == Multicodec.Sha256)
            {
                Console.WriteLine($"v0:        {cid.ToV0()}");
            }

            return Task.FromResult(ExitCodes.Ok);
        });

        var convertArg = new Argument<string>("cid") { Description = "A CID to convert." };
        var version = new Option<int>("--cid-version") { Description = "The CID version to convert to (0 or 1).", DefaultValueFactory = _ => 1 };
        var b = new Option<string>("--base", "-b") { Description = "Multibase for CIDv1: base32 (default), base32upper, base58btc, base16.", DefaultValueFactory = _ => "base32" };
        var convert = new Command("convert", "Convert a CID between versions and multibases (cairn cid convert Qm… → bafy…).") { convertArg, version, b };
        convert.SetAction((parse, _) =>
        {
            var cid = Cid.Parse(parse.GetRequiredValue(convertArg));
            var v = parse.GetValue(version);
            var encoding = parse.GetValue(b) switch
            {
                "base32" => MultibaseEncoding.Base32Lower,
                "base32upper" => MultibaseEncoding.Base32Upper,
                "base58btc" => MultibaseEncoding.Base58Btc,
                "base16" => MultibaseEncoding.Base16Lower,
                var other => throw new CairnException(ErrorCode.InvalidArgument, $"Unknown multibase '{other}'.") { Hint = "Use base32, base32upper, base58btc or base16." },
            };
            Console.WriteLine(v switch
            {
                0 => cid.ToV0().ToString(),
                1 => cid.ToV1().ToString(encoding),
                _ => throw new CairnException(ErrorCode.InvalidArgument, $"--cid-version must be 0 or 1, not {v}."),
            });
            return Task.FromResult(ExitCodes.Ok);
        });
        command.Subcommands.Add(format);
        command.Subcommands.Add(convert);
        return command;
    }
}
