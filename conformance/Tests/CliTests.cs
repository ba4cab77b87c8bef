using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace OciRuntime.Conformance.Tests;

/// <summary>`spec`, `features` and `--version` output, validated with a real JSON-schema validator.</summary>
public class CliTests
{
    [Theory]
    [InlineData("create", "--bundle")]
    [InlineData("run", "--detach")]
    [InlineData("exec", "--process")]
    [InlineData("kill", "--all")]
    [InlineData("delete", "--force")]
    [InlineData("state", null)]
    public void CommandHelp_PrintsUsageAndOptions_ExitsZero(string command, string? option)
    {
        foreach (string flag in new[] { "--help", "-h" })
        {
            var r = RuntimeCli.Bare(command, flag);
            Assert.True(r.ExitCode == 0, r.Describe());
            Assert.Contains("USAGE:", r.Stdout);
            Assert.Contains(command, r.Stdout);
            if (option != null) Assert.Contains(option, r.Stdout);
        }
    }

    [Fact]
    public void SchemaValidator_RejectsTheSpecsBadExamples()
    {
        // Proves the validator really validates (a broken setup would pass everything).
        string dir = Path.Combine(SchemaValidator.SchemaDir, "test", "config", "bad");
        var bad = Directory.GetFiles(dir, "*.json");
        Assert.NotEmpty(bad);
        foreach (var f in bad.Where(f => { try { JsonNode.Parse(File.ReadAllText(f)); return true; } catch (System.Text.Json.JsonException) { return false; } }))
            Assert.False(SchemaValidator.Validate("config-schema.json", File.ReadAllText(f)).Valid, $"{f} validated");
    }

    [Fact]
    public void Spec_ValidatesAgainstConfigSchema()
    {
        TestEnv.RequireRoot();
        string dir = TestEnv.NewDir("spec-" + Guid.NewGuid().ToString("N")[..8]);
        RuntimeCli.Bare("spec", "--bundle", dir).ShouldSucceed();
        string json = File.ReadAllText(Path.Combine(dir, "config.json"));
        var (valid, errors) = SchemaValidator.Validate("config-schema.json", json);
        Assert.True(valid, "spec output does not match config-schema.json:\n" + errors);
        var cfg = JsonNode.Parse(json)!.AsObject();
        Assert.Equal("rootfs", (string?)cfg["root"]?["path"]);
        Assert.Equal(true, (bool?)cfg["process"]?["terminal"]);
    }

    [Fact]
    public void Spec_RefusesToOverwriteExistingConfig()
    {
        string dir = TestEnv.NewDir("spec-" + Guid.NewGuid().ToString("N")[..8]);
        File.WriteAllText(Path.Combine(dir, "config.json"), "{}");
        RuntimeCli.Bare("spec", "--bundle", dir).ShouldFail();
        Assert.Equal("{}", File.ReadAllText(Path.Combine(dir, "config.json")));
    }

    [Fact]
    public void Features_ValidatesAgainstFeaturesSchema()
    {
        var r = RuntimeCli.Bare("features").ShouldSucceed();
        var (valid, errors) = SchemaValidator.Validate("features-schema.json", r.Stdout);
        Assert.True(valid, "features output does not match features-schema.json:\n" + errors);
        var f = JsonNode.Parse(r.Stdout)!.AsObject();
        Assert.False(string.IsNullOrEmpty((string?)f["ociVersionMin"]));
        Assert.False(string.IsNullOrEmpty((string?)f["ociVersionMax"]));
        var ns = f["linux"]?["namespaces"]?.AsArray().Select(n => (string?)n).ToList() ?? [];
        foreach (var t in new[] { "pid", "network", "ipc", "uts", "mount", "cgroup", "user" })
            Assert.Contains(t, ns);
    }

    [Fact]
    public void Version_MentionsTheSpecVersion()
    {
        var r = RuntimeCli.Bare("--version").ShouldSucceed();
        Assert.Matches(new Regex(@"(?m)^spec: \d+\.\d+\.\d+"), r.Stdout);
        string max = (string?)JsonNode.Parse(RuntimeCli.Bare("features").ShouldSucceed().Stdout)!["ociVersionMax"] ?? "";
        Assert.Contains("spec: " + max, r.Stdout);
    }
}
