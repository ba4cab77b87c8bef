namespace OciRuntime.Conformance.Tests;

/// <summary>
/// Real cgroup v2 enforcement, which this hybrid host cannot show: conformance/vm/cgroup-suite.sh
/// boots the pure cgroup v2 qemu guest (conformance/vm/run-in-vm.sh, docs/vm-harness.md) and checks
/// there, with the runtime under test, that memory.max OOM-kills a hog, pids.max stops a fork loop,
/// cpu.max throttles, device rules deny and allow, freeze/thaw, update, stats, nested/relative
/// cgroupsPath and delete cleanup. One VM boot for all of it (~1–2 minutes under TCG).
/// </summary>
public class VmCgroupTests
{
    [Fact]
    [Trait("Category", "Vm")]
    public void CgroupSuite_InAPureCgroupV2Guest_AllChecksPass()
    {
        TestEnv.RequireRoot();
        string suite = Path.Combine(TestEnv.RepoRoot, "conformance", "vm", "cgroup-suite.sh");
        var r = ProcessRunner.Run(suite, [], RunOptions.Default with
        {
            Timeout = TimeSpan.FromSeconds(420),
            Env = new Dictionary<string, string> { ["OCI_RUNTIME"] = TestEnv.Runtime },
            // The guest sees the host's / read-only; a cwd under the host's /tmp would not exist there.
            WorkingDirectory = TestEnv.RepoRoot,
        });
        string[] lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string[] failed = lines.Where(l => l.StartsWith("FAIL ", StringComparison.Ordinal)).ToArray();
        string summary = lines.LastOrDefault(l => l.EndsWith(" failed", StringComparison.Ordinal)) ?? "(no summary line)";
        Console.WriteLine($"cgroup-suite ({TestEnv.RuntimeName}, {r.Elapsed.TotalSeconds:0} s): {summary}");
        Assert.True(r.ExitCode == 0 && failed.Length == 0 && summary.EndsWith(" 0 failed", StringComparison.Ordinal),
            $"cgroup-suite.sh in the VM: {summary}\n{string.Join('\n', failed)}\n\n{r.Describe()}");
        Assert.True(lines.Count(l => l.StartsWith("PASS ", StringComparison.Ordinal)) >= 40, "fewer checks ran than the suite has:\n" + r.Stdout);
    }
}
