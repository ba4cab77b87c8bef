using OciRuntime.Native.Plan;

namespace OciRuntime.Tests;

/// <summary>
/// The init plans of real client configs and the spec's example (and podman's exec), as text (PlanDump), compared with
/// reviewed files under golden/. A planner change shows up here as a diff to read; accept it with
/// OCI_UPDATE_GOLDEN=1 (rewrites the files) and review the diff before committing.
/// </summary>
public class PlanGoldenTests
{
    public static IEnumerable<object[]> Cases => new[]
    {
        new object[] { "containerd-config.json", "containerd" },
        new object[] { "podman-config.json", "podman" },
        new object[] { "spec-config-example.json", "spec-example" },
        new object[] { "containerd-config.json", "containerd-no-pivot" },
        new object[] { "podman-config.json", "podman-exec" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void InitPlan_MatchesItsGoldenDump(string config, string name)
    {
        var o = new PlanFixture.Options(NoPivot: name.EndsWith("-no-pivot", StringComparison.Ordinal));
        ProcessPlan plan = name.EndsWith("-exec", StringComparison.Ordinal)
            ? PlanFixture.ComposeExec(PlanFixture.Load(config), "ipc", "uts", "network", "pid", "mount")
            : PlanFixture.Compose(PlanFixture.Load(config), o);
        string actual = PlanDump.Format(plan);
        PlanVerifier.Verify(plan, plan.Build(PlanFixture.SyncFd, 999));

        string path = Path.Combine(PlanFixture.SourceDir(), "golden", name + ".plan");
        if (Environment.GetEnvironmentVariable("OCI_UPDATE_GOLDEN") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual);
            return;
        }
        Assert.True(File.Exists(path), $"{path} is missing: run with OCI_UPDATE_GOLDEN=1 to create it, then review it");
        string expected = File.ReadAllText(path);
        if (expected == actual) return;
        string[] e = expected.Split('\n'), a = actual.Split('\n');
        int i = 0;
        while (i < e.Length && i < a.Length && e[i] == a[i]) i++;
        Assert.Fail($"{name}: the plan differs from {path} at line {i + 1}:\n- {(i < e.Length ? e[i] : "(end)")}\n+ {(i < a.Length ? a[i] : "(end)")}\n" +
            "if the change is intended, rerun with OCI_UPDATE_GOLDEN=1 and review the diff of golden/");
    }

    [Fact]
    public void Dump_IsStable_AcrossCompositions()
    {
        var c = PlanFixture.Load("podman-config.json");
        Assert.Equal(PlanDump.Format(PlanFixture.Compose(c)), PlanDump.Format(PlanFixture.Compose(c)));
    }
}
