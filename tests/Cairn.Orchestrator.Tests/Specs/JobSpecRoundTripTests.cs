using System.Globalization;
using System.Text;
using System.Text.Json;
using Cairn.Jobs;
using Cairn.Orchestrator.Specs;
using FsCheck;
using FsCheck.Fluent;

namespace Cairn.Orchestrator.Tests.Specs;

public class JobSpecRoundTripTests
{
    // Writes a spec as JSON with every key in a random case; JSON is also YAML, so both readers get it.
    private static string Write(Random random, string name, int count, int priority, long cpu, long memory, string label, string[] args)
    {
        string K(string key) => new(key.Select(c => random.Next(2) == 0 ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c)).ToArray());
        var sb = new StringBuilder();
        string S(string s) => JsonSerializer.Serialize(s);
        sb.Append('{');
        sb.Append($"{S(K("Name"))}: {S(name)}, {S(K("Type"))}: {S(K("batch"))}, {S(K("Count"))}: {count}, {S(K("Priority"))}: {priority},");
        sb.Append($"{S(K("Labels"))}: {{{S("l")}: {S(label)}}},");
        sb.Append($"{S(K("Tasks"))}: [{{{S(K("Name"))}: {S("main")}, {S(K("Engine"))}: {{{S(K("Type"))}: {S(K("noop"))}}},");
        sb.Append($"{S(K("Resources"))}: {{{S(K("CPU"))}: {S(cpu.ToString(CultureInfo.InvariantCulture) + "m")}, {S(K("Memory"))}: {S(memory.ToString(CultureInfo.InvariantCulture))}}},");
        sb.Append($"{S(K("Env"))}: {{{S("ARGS")}: {S(string.Join(' ', args))}}}}}]}}");
        return sb.ToString();
    }

    [Fact]
    public void Parse_RandomJobsWithRandomKeyCase_BindTheSameInYamlAndJson()
    {
        Prop.ForAll<NonEmptyString, Tuple<PositiveInt, int>, Tuple<PositiveInt, PositiveInt, string[]>>((name, head, tail) =>
        {
            var (count, priority) = head;
            var (cpu, memory, args) = tail;
            var random = new Random(name.Get.Length + count.Get);
            var safeArgs = (args ?? []).Where(a => a is not null).ToArray();
            var text = Write(random, name.Get, count.Get, priority, cpu.Get, memory.Get, name.Get, safeArgs);
            foreach (var format in new[] { SpecFormat.Json, SpecFormat.Yaml })
            {
                var job = JobSpecParser.Parse(text, format).Job;
                var task = job.Tasks.Single();
                if (job.Name != name.Get || job.Count != count.Get || job.Priority != priority || job.Labels["l"] != name.Get
                    || job.Type != JobType.Batch || task.Engine.Type != "noop" || task.Resources.CpuMillis != cpu.Get
                    || task.Resources.MemoryBytes != memory.Get || task.Env["ARGS"] != string.Join(' ', safeArgs))
                {
                    return false;
                }
            }

            return true;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Validate_MissingTasks_IsRequired()
    {
        var e = Assert.Throws<Cairn.Jobs.Specs.JobSpecException>(() => JobSpecParser.ParseAndValidate("Name: x\n", new Cairn.Jobs.Specs.JobSpecValidator(["noop"])));

        var error = Assert.Single(e.Errors);
        Assert.Equal("Tasks", error.Path);
        Assert.Equal("required: a job has one task", error.Message);
    }
}
