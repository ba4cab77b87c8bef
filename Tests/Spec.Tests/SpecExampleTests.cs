using OciRuntime.Spec.Loading;
using OciRuntime.Spec.Validation;

namespace OciRuntime.Spec.Tests;

/// <summary>The runtime-spec's own schema test files and the real client configs.</summary>
public class SpecExampleTests
{
    public static IEnumerable<object[]> Good => Fixtures.Files(Fixtures.ConfigExamples("good"));
    public static IEnumerable<object[]> Bad => Fixtures.Files(Fixtures.ConfigExamples("bad"));
    public static IEnumerable<object[]> Clients => Fixtures.ClientConfigs.Select(f => new object[] { f });

    [Theory]
    [MemberData(nameof(Good))]
    public void GoodExamplesLoadAndValidate(string file)
    {
        string json = File.ReadAllText(Path.Combine(Fixtures.ConfigExamples("good"), file));
        Assert.Empty(ConfigValidator.Validate(ConfigLoader.Parse(json)));
        using var bundle = new TempBundle(json);
        var loaded = ConfigLoader.Load(bundle.Dir);
        Assert.Equal(Path.Combine(bundle.Dir, "rootfs"), loaded.RootfsPath);
    }

    [Theory]
    [MemberData(nameof(Bad))]
    public void BadExamplesAreRejectedNamingAJsonPath(string file)
    {
        string json = File.ReadAllText(Path.Combine(Fixtures.ConfigExamples("bad"), file));
        var errors = ParseAndValidate(json);
        Assert.NotEmpty(errors);
        Assert.All(errors, e => Assert.False(string.IsNullOrWhiteSpace(e.Path)));
        Assert.All(errors, e => Assert.StartsWith("config.json: " + e.Path + ": ", e.ToString()));
    }

    [Theory]
    [InlineData("linux-hugepage.json", "linux.resources.hugepageLimits[0].pageSize", "\"64kB\"")]
    [InlineData("linux-netdevice.json", "linux.netDevices.eth0.name", "expected a string, got number 23")]
    [InlineData("linux-rdma.json", "linux.resources.rdma.mlx5_1.hcaHandles", "got string \"not a uint32\"")]
    [InlineData("invalid-json.json", "$", "malformed JSON")]
    public void BadExamplesNameTheOffendingValue(string file, string path, string fragment)
    {
        string json = File.ReadAllText(Path.Combine(Fixtures.ConfigExamples("bad"), file));
        var error = Assert.Single(ParseAndValidate(json));
        Assert.Equal(path, error.Path);
        Assert.Contains(fragment, error.Message);
    }

    [Theory]
    [MemberData(nameof(Clients))]
    public void ClientConfigsLoadAndValidate(string file)
    {
        string json = File.ReadAllText(Path.Combine(Fixtures.TestDataDir, file));
        var config = ConfigLoader.Parse(json);
        Assert.Empty(ConfigValidator.Validate(config));
        // podman's root.path is an absolute host path of the machine it came from: point it at
        // the temporary bundle's rootfs so Load's existence check can pass.
        var node = System.Text.Json.Nodes.JsonNode.Parse(json)!;
        node["root"]!["path"] = "rootfs";
        using var bundle = new TempBundle(node.ToJsonString());
        var loaded = ConfigLoader.Load(bundle.Dir);
        Assert.NotNull(loaded.Config.Process);
        Assert.NotEmpty(loaded.Config.Linux!.Namespaces!);
    }

    [Fact]
    public void PodmanSeccompProfileIsParsedCompletely()
    {
        var config = ConfigLoader.Parse(File.ReadAllText(Path.Combine(Fixtures.TestDataDir, "podman-config.json")));
        var seccomp = config.Linux!.Seccomp!;
        Assert.Equal("SCMP_ACT_ERRNO", seccomp.DefaultAction);
        Assert.Contains("SCMP_ARCH_X86_64", seccomp.Architectures!);
        Assert.Equal(19, seccomp.Syscalls!.Count);
    }

    /// <summary>Parse errors and validation errors, whichever the document produces.</summary>
    internal static IReadOnlyList<SpecError> ParseAndValidate(string json)
    {
        try
        {
            return ConfigValidator.Validate(ConfigLoader.Parse(json));
        }
        catch (SpecException ex)
        {
            return ex.Errors;
        }
    }
}
