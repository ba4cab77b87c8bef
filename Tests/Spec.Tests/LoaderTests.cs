using System.Text.Json.Nodes;
using OciRuntime.Spec.Defaults;
using OciRuntime.Spec.Json;
using OciRuntime.Spec.Loading;
using OciRuntime.Spec.Validation;

namespace OciRuntime.Spec.Tests;

public class LoaderTests
{
    private static string DefaultJson(Action<JsonNode>? edit = null)
    {
        var node = JsonNode.Parse(SpecJson.Serialize(DefaultSpec.Create(false)))!;
        edit?.Invoke(node);
        return node.ToJsonString();
    }

    [Fact]
    public void MissingConfigNamesTheAbsolutePath()
    {
        using var bundle = new TempBundle(configJson: null);
        var ex = Assert.Throws<SpecException>(() => ConfigLoader.Load(bundle.Dir));
        string file = Path.Combine(bundle.Dir, "config.json");
        Assert.Equal($"config.json: cannot read {file}: no such file or directory", ex.Message);
    }

    [Fact]
    public void RelativeBundleAndRootAreResolved()
    {
        using var bundle = new TempBundle(DefaultJson());
        string old = Environment.CurrentDirectory;
        try
        {
            Environment.CurrentDirectory = Path.GetDirectoryName(bundle.Dir)!;
            var loaded = ConfigLoader.Load(Path.GetFileName(bundle.Dir));
            Assert.Equal(bundle.Dir, loaded.BundlePath);
            Assert.Equal(Path.Combine(bundle.Dir, "config.json"), loaded.ConfigPath);
            Assert.Equal(Path.Combine(bundle.Dir, "rootfs"), loaded.RootfsPath);
        }
        finally
        {
            Environment.CurrentDirectory = old;
        }
    }

    [Fact]
    public void AbsoluteRootIsUsedAsIs()
    {
        using var elsewhere = new TempBundle(rootfs: "fs");
        string abs = Path.Combine(elsewhere.Dir, "fs");
        using var bundle = new TempBundle(DefaultJson(n => n["root"]!["path"] = abs), rootfs: null);
        Assert.Equal(abs, ConfigLoader.Load(bundle.Dir).RootfsPath);
    }

    [Fact]
    public void SymlinksInTheRootfsPathAreResolved()
    {
        using var bundle = new TempBundle(DefaultJson(n => n["root"]!["path"] = "link/rootfs"), rootfs: "real/rootfs");
        Directory.CreateSymbolicLink(Path.Combine(bundle.Dir, "link"), "real");
        Assert.Equal(Path.Combine(bundle.Dir, "real", "rootfs"), ConfigLoader.Load(bundle.Dir).RootfsPath);
    }

    [Fact]
    public void MissingRootfsNamesTheAbsolutePath()
    {
        using var bundle = new TempBundle(DefaultJson(), rootfs: null);
        var ex = Assert.Throws<SpecException>(() => ConfigLoader.Load(bundle.Dir));
        var e = Assert.Single(ex.Errors);
        Assert.Equal("root.path", e.Path);
        Assert.Contains($"\"{Path.Combine(bundle.Dir, "rootfs")}\" does not exist", e.Message);
    }

    [Fact]
    public void RootfsThatIsAFileIsRefused()
    {
        using var bundle = new TempBundle(DefaultJson(), rootfs: null);
        File.WriteAllText(Path.Combine(bundle.Dir, "rootfs"), "");
        var ex = Assert.Throws<SpecException>(() => ConfigLoader.Load(bundle.Dir));
        Assert.Contains("is not a directory", ex.Errors[0].Message);
    }

    [Theory]
    [InlineData("2.0.0")]
    [InlineData("10.1.0-rc.1")]
    public void FutureMajorVersionsAreRefusedBeforeAnythingElse(string version)
    {
        // Also invalid in other ways: only the version must be reported.
        using var bundle = new TempBundle(DefaultJson(n => { n["ociVersion"] = version; n["process"]!["cwd"] = "rel"; }));
        var ex = Assert.Throws<SpecException>(() => ConfigLoader.Load(bundle.Dir));
        var e = Assert.Single(ex.Errors);
        Assert.Equal("ociVersion", e.Path);
        Assert.Contains($"\"{version}\"", e.Message);
    }

    [Theory]
    [InlineData("1.0.0")]
    [InlineData("1.0.2-dev")]
    [InlineData("1.3.0")]
    [InlineData("1.2.1+build.5")]
    [InlineData("0.5.0-dev")]
    public void SupportedVersionsLoad(string version)
    {
        using var bundle = new TempBundle(DefaultJson(n => n["ociVersion"] = version));
        Assert.Equal(version, ConfigLoader.Load(bundle.Dir).Config.OciVersion);
    }

    [Fact]
    public void LoadReportsEveryValidationError()
    {
        using var bundle = new TempBundle(DefaultJson(n => { n["process"]!["cwd"] = "rel"; n["linux"]!["rootfsPropagation"] = "sideways"; }));
        var ex = Assert.Throws<SpecException>(() => ConfigLoader.Load(bundle.Dir));
        Assert.Equal(new[] { "process.cwd", "linux.rootfsPropagation" }, ex.Errors.Select(e => e.Path));
        Assert.Equal(2, ex.Message.Split('\n').Length);
    }

    [Fact]
    public void UnknownPropertiesAreIgnoredEverywhere()
    {
        string json = DefaultJson(n =>
        {
            n["vendorExtension"] = new JsonObject { ["x"] = 1 };
            n["process"]!["futureField"] = new JsonArray(1, 2);
            n["linux"]!["namespaces"]![0]!["unknown"] = "y";
            n["linux"]!["resources"]!["newController"] = new JsonObject();
            n["windows"] = new JsonObject { ["layerFolders"] = new JsonArray("c:\\x") };
        });
        using var bundle = new TempBundle(json);
        Assert.Equal("sh", ConfigLoader.Load(bundle.Dir).Config.Process!.Args![0]);
    }

    [Fact]
    public void ProcessDocumentErrorsNameTheirOwnFile()
    {
        using var bundle = new TempBundle(rootfs: null);
        string file = Path.Combine(bundle.Dir, "proc.json");
        File.WriteAllText(file, "{\"args\":[\"sh\"],\"cwd\":\"tmp\",\"env\":[\"NOEQUALS\"]}");
        var ex = Assert.Throws<SpecException>(() => ProcessLoader.Load(file));
        Assert.Equal(new[] { "proc.json: cwd: invalid working directory \"tmp\": must be an absolute path",
                             "proc.json: env[0]: invalid environment entry \"NOEQUALS\": expected KEY=VALUE (missing '=')" },
                     ex.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void ProcessDocumentLoads()
    {
        using var bundle = new TempBundle(rootfs: null);
        string file = Path.Combine(bundle.Dir, "process.json");
        File.WriteAllText(file, "{\"terminal\":false,\"args\":[\"ls\",\"-l\"],\"cwd\":\"/\",\"user\":{\"uid\":1,\"gid\":2,\"additionalGids\":[3]}}");
        var p = ProcessLoader.Load(file);
        Assert.Equal((1u, 2u), (p.User.Uid, p.User.Gid));
        Assert.Equal(new[] { 3u }, p.User.AdditionalGids);
    }

    [Fact]
    public void ResourcesDocumentParsesAndValidates()
    {
        var r = ResourcesLoader.Parse("{\"memory\":{\"limit\":-1},\"pids\":{\"limit\":0},\"cpu\":{\"shares\":18446744073709551615}}");
        Assert.Equal(-1, r.Memory!.Limit);
        Assert.Equal(0, r.Pids!.Limit);
        Assert.Equal(ulong.MaxValue, r.Cpu!.Shares);
        var ex = Assert.Throws<SpecException>(() => ResourcesLoader.Parse("{\"memory\":{\"swappiness\":101}}"));
        Assert.Equal("resources.json: memory.swappiness: invalid swappiness 101: must be between 0 and 100", ex.Message);
    }
}
