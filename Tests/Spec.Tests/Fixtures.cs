using OciRuntime.Spec.Config;
using OciRuntime.Spec.Defaults;
using OciRuntime.Spec.Json;
using OciRuntime.Spec.Loading;

namespace OciRuntime.Spec.Tests;

/// <summary>Where the shared spec examples and client configs live, and temporary bundles.</summary>
internal static class Fixtures
{
    public static string TestDataDir =>
        Environment.GetEnvironmentVariable("OCI_TESTDATA_DIR") is { Length: > 0 } d ? d : "/work/shared/testdata";

    public static string ConfigExamples(string kind) => Path.Combine(SchemaAssert.SchemaDir, "test", "config", kind);

    public static IEnumerable<object[]> Files(string dir) =>
        Directory.GetFiles(dir, "*.json").OrderBy(f => f, StringComparer.Ordinal).Select(f => new object[] { Path.GetFileName(f) });

    public static readonly string[] ClientConfigs = { "containerd-config.json", "podman-config.json" };

    /// <summary>Valid documents of every origin: defaults, spec examples, real clients.</summary>
    public static IReadOnlyList<string> ValidConfigJson { get; } = LoadValid();

    private static List<string> LoadValid()
    {
        var list = new List<string>
        {
            SpecJson.Serialize(DefaultSpec.Create(false, 0, 0)),
            SpecJson.Serialize(DefaultSpec.Create(true, 1000, 1000)),
        };
        foreach (var f in Directory.GetFiles(ConfigExamples("good"), "*.json").OrderBy(f => f, StringComparer.Ordinal))
            list.Add(File.ReadAllText(f));
        foreach (var f in ClientConfigs)
            list.Add(File.ReadAllText(Path.Combine(TestDataDir, f)));
        return list;
    }

    public static OciConfig ValidConfig(int index) => ConfigLoader.Parse(ValidConfigJson[index % ValidConfigJson.Count]);
}

/// <summary>A bundle directory in /tmp, deleted on dispose.</summary>
internal sealed class TempBundle : IDisposable
{
    public string Dir { get; } = Directory.CreateTempSubdirectory("oci-spec-test-").FullName;

    public TempBundle(string? configJson = null, string? rootfs = "rootfs")
    {
        if (configJson is not null) File.WriteAllText(Path.Combine(Dir, "config.json"), configJson);
        if (rootfs is not null) Directory.CreateDirectory(Path.Combine(Dir, rootfs));
    }

    public void Dispose() => Directory.Delete(Dir, recursive: true);
}
