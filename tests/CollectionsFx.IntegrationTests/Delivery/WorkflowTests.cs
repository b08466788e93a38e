using System.Text.RegularExpressions;
using CollectionsFx.IntegrationTests.Fixtures;
using YamlDotNet.RepresentationModel;

namespace CollectionsFx.IntegrationTests.Delivery;

/// <summary>
/// The GitHub Actions workflows cannot run here; their YAML is checked instead: it parses, every job has a runner, a timeout and
/// steps, every action is pinned to a major version, CI runs exactly <c>.ci/run</c>, and deploying signs in with OIDC (an
/// id-token permission, a client id and no client secret) and uses parameter files and outputs that exist.
/// </summary>
public sealed partial class WorkflowTests
{
    private static YamlMappingNode Load(string name)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(RepoPaths.Combine(".github", "workflows", name));
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents.Single().RootNode;
    }

    private static YamlMappingNode Map(YamlNode node, string key) => (YamlMappingNode)((YamlMappingNode)node).Children[new YamlScalarNode(key)];

    private static string Scalar(YamlNode node, string key) => ((YamlScalarNode)((YamlMappingNode)node).Children[new YamlScalarNode(key)]).Value!;

    private static IEnumerable<YamlMappingNode> Steps(YamlMappingNode workflow) =>
        Map(workflow, "jobs").Children.Values.SelectMany(job => ((YamlSequenceNode)((YamlMappingNode)job).Children[new YamlScalarNode("steps")]).Children.Cast<YamlMappingNode>());

    public static TheoryData<string> Workflows => [.. Directory.GetFiles(RepoPaths.Combine(".github", "workflows"), "*.yml").Select(f => Path.GetFileName(f))];

    [Theory]
    [MemberData(nameof(Workflows))]
    public void Every_job_has_a_runner_a_timeout_and_steps_and_every_action_is_pinned(string name)
    {
        var workflow = Load(name);
        Assert.True(workflow.Children.ContainsKey(new YamlScalarNode("on")), "no trigger");
        Assert.True(workflow.Children.ContainsKey(new YamlScalarNode("permissions")), "permissions must be explicit (least privilege)");
        foreach (var (jobName, job) in Map(workflow, "jobs").Children)
        {
            Assert.StartsWith("ubuntu-", Scalar(job, "runs-on"), StringComparison.Ordinal);
            Assert.True(int.Parse(Scalar(job, "timeout-minutes"), System.Globalization.CultureInfo.InvariantCulture) <= 90, $"{jobName}: CI has 90 minutes");
        }

        var uses = Steps(workflow).Where(s => s.Children.ContainsKey(new YamlScalarNode("uses"))).Select(s => Scalar(s, "uses")).ToList();
        Assert.NotEmpty(uses);
        Assert.All(uses, u => Assert.Matches(Pinned(), u));
    }

    [Fact]
    public void Ci_runs_exactly_what_the_ci_script_runs()
    {
        var runs = Steps(Load("ci.yml")).Where(s => s.Children.ContainsKey(new YamlScalarNode("run"))).Select(s => Scalar(s, "run")).ToList();
        Assert.Contains("bash .ci/run", runs);
        Assert.True(File.Exists(RepoPaths.Combine(".ci", "run")));
        Assert.Contains(runs, r => r.Contains("infra/dev.bicepparam", StringComparison.Ordinal) && r.Contains("infra/prod.bicepparam", StringComparison.Ordinal));
    }

    [Fact]
    public void Deploying_signs_in_with_oidc_and_uses_parameter_files_and_outputs_that_exist()
    {
        var workflow = Load("deploy.yml");
        Assert.Equal("write", Scalar(Map(workflow, "permissions"), "id-token"));
        var login = Assert.Single(Steps(workflow), s => s.Children.TryGetValue(new YamlScalarNode("uses"), out var u) && ((YamlScalarNode)u).Value!.StartsWith("azure/login@", StringComparison.Ordinal));
        var with = Map(login, "with");
        Assert.Contains("vars.AZURE_CLIENT_ID", Scalar(with, "client-id"), StringComparison.Ordinal);
        Assert.False(with.Children.ContainsKey(new YamlScalarNode("creds")), "OIDC: no service principal secret");
        Assert.False(with.Children.ContainsKey(new YamlScalarNode("client-secret")), "OIDC: no client secret");

        var text = File.ReadAllText(RepoPaths.Combine(".github", "workflows", "deploy.yml"));
        var options = ((YamlSequenceNode)Map(Map(Map(workflow, "on"), "workflow_dispatch"), "inputs").Children[new YamlScalarNode("environment")]["options"]).Children.Select(o => ((YamlScalarNode)o).Value!).ToList();
        Assert.All(options, env => Assert.True(File.Exists(RepoPaths.Combine("infra", env + ".bicepparam")), $"infra/{env}.bicepparam"));
        Assert.Contains("az deployment group what-if", text, StringComparison.Ordinal);
        var main = File.ReadAllText(RepoPaths.Combine("infra", "main.bicep"));
        foreach (Match output in OutputRead().Matches(text))
        {
            Assert.Contains($"output {output.Groups[1].Value} ", main, StringComparison.Ordinal);
        }

        // Every secret the parameter files read from the environment is handed to the job.
        var prod = File.ReadAllText(RepoPaths.Combine("infra", "prod.bicepparam"));
        foreach (var secret in EnvironmentRead().Matches(prod).Select(m => m.Groups[1].Value).Where(v => v.Contains("SECRET", StringComparison.Ordinal) || v.Contains("PASSWORD", StringComparison.Ordinal)))
        {
            Assert.Contains($"{secret}: ${{{{ secrets.{secret} }}}}", text, StringComparison.Ordinal);
        }
    }

    [GeneratedRegex(@"^[\w.-]+/[\w.-]+@(v\d+|[0-9a-f]{40})$")]
    private static partial Regex Pinned();

    [GeneratedRegex(@"jq -r \.(\w+)\.value")]
    private static partial Regex OutputRead();

    [GeneratedRegex(@"readEnvironmentVariable\('(\w+)'")]
    private static partial Regex EnvironmentRead();
}
