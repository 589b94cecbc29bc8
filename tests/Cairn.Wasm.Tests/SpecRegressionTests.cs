using Cairn.Wasm.SpecTest;

namespace Cairn.Wasm.Tests;

/// <summary>Our own spec-format scripts for bugs the official suite found (Modules/spec/*.wast, converted by wast2json).</summary>
public class SpecRegressionTests
{
    [Fact(Timeout = 60_000)]
    public async Task Regressions_AllAssertions_Pass()
    {
        var result = await Task.Run(() => SpecTestRunner.RunPath(Path.Combine(TestModules.Dir, "spec")), TestTimeout.Token());
        Assert.Empty(result.Failures);
        Assert.Equal(18, result.Passed);
    }
}
