namespace OciRuntime.Conformance.Tests;

/// <summary>
/// The systemd cgroup driver against real systemd: conformance/vm/systemd-suite.sh boots the qemu
/// guest with systemd 252 as PID 1 and pure cgroup v2 (run-in-vm.sh --systemd, docs/vm-harness.md)
/// and checks, with the runtime under test and --systemd-cgroup, transient scopes created and
/// removed, resources as unit properties and files, kubepods-style nested slices and the
/// lifecycle. One VM boot for all of it. With OCI_RUNTIME=/usr/sbin/runc it shows runc 1.1.5 does
/// the same.
/// </summary>
public class VmSystemdTests
{
    [Fact]
    [Trait("Category", "Vm")]
    public void SystemdSuite_WithSystemdAsPid1_AllChecksPass()
    {
        TestEnv.RequireRoot();
        string suite = Path.Combine(TestEnv.RepoRoot, "conformance", "vm", "systemd-suite.sh");
        var r = ProcessRunner.Run(suite, [], RunOptions.Default with
        {
            Timeout = TimeSpan.FromSeconds(540),
            Env = new Dictionary<string, string> { ["OCI_RUNTIME"] = TestEnv.Runtime },
            WorkingDirectory = TestEnv.RepoRoot,
        });
        string[] lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string[] failed = lines.Where(l => l.StartsWith("FAIL ", StringComparison.Ordinal)).ToArray();
        string summary = lines.LastOrDefault(l => l.EndsWith(" failed", StringComparison.Ordinal)) ?? "(no summary line)";
        Console.WriteLine($"systemd-suite ({TestEnv.RuntimeName}, {r.Elapsed.TotalSeconds:0} s): {summary}");
        Assert.True(r.ExitCode == 0 && failed.Length == 0 && summary.EndsWith(" 0 failed", StringComparison.Ordinal),
            $"systemd-suite.sh in the VM: {summary}\n{string.Join('\n', failed)}\n\n{r.Describe()}");
        Assert.True(lines.Count(l => l.StartsWith("PASS ", StringComparison.Ordinal)) >= 45, "fewer checks ran than the suite has:\n" + r.Stdout);
    }
}
