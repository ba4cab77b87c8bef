using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace OciRuntime.Conformance.Security;

/// <summary>
/// Hostile configs and images the runtime must refuse clearly (exit 1, one line naming the JSON path)
/// rather than run: ids outside 0..2147483647 (issue 10 item 3, OCI_WEAKEN_ID_RANGE) and runc's /proc
/// rules (item 4, CVE-2019-16884 / CVE-2019-19921 / CVE-2023-27561 classes, OCI_WEAKEN_PROC_MOUNT_RULES).
/// The attack "works" when the container is created anyway (or dies instead of a clear refusal).
/// </summary>
public class ConfigAttacks(ITestOutputHelper log)
{
    /// <summary>A refusal is exit 1 with one line on stderr that says what; anything else let the attack in.</summary>
    /// (runc words its errors its own way: for runc only exit 1 with one line is required.)
    static Outcome Refusal(CliResult r, string mustName, string context, string runtime, string? orName = null)
    {
        var lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        string detail = $"{context}\n{r.Describe()}";
        if (r.ExitCode == 0) return Outcome.Escape("the runtime accepted it: " + r.Stdout.Trim(), detail);
        if (r.ExitCode != 1) return Outcome.Escape($"exit {r.ExitCode}, not a clear refusal", detail);
        if (lines.Length != 1) return Outcome.Escape($"{lines.Length} lines on stderr, not one", detail);
        bool runc = Path.GetFileName(runtime).StartsWith("runc", StringComparison.Ordinal);
        if (!runc && !lines[0].Contains(mustName, StringComparison.Ordinal) && (orName == null || !lines[0].Contains(orName, StringComparison.Ordinal))) return Outcome.Escape($"the error does not name {mustName}: {lines[0]}", detail);
        return Outcome.Blocked(lines[0], detail);
    }

    // setresuid(-1) changes nothing: uid 4294967295 would run the process as whatever the runtime is (root).
    [Theory]
    [InlineData("uid")]
    [InlineData("gid")]
    public void IdOutsideTheKernelRange_IsRefused(string field) =>
        SecuritySuite.AssertBlockedButWeakEscapes(log, $"process.user.{field}=4294967295", runtime =>
        {
            using var c = new Container("sec-id-" + field, runtime: runtime);
            c.Configure(b =>
            {
                var user = (b.Process["user"] ??= new JsonObject()).AsObject();
                user[field] = 4294967295u;
                b.Args("id");
            });
            var r = c.Run();
            // runc words it "process.user.uid" too; what matters is the path and exit 1.
            return Refusal(r, $"user.{field}", "id printed inside: " + r.Stdout.Trim(), runtime);
        });

    [Fact]
    public void ProcSymlinkInTheImage_IsRefused() =>
        SecuritySuite.AssertBlockedButWeakEscapes(log, "/proc is a symlink in the image", runtime =>
        {
            using var c = SecuritySuite.AttackContainer("sec-proc-symlink", runtime);
            string root = Path.Combine(c.Dir, "rootfs");
            Directory.Delete(Path.Combine(root, "proc"), recursive: true);
            Directory.CreateDirectory(Path.Combine(root, "evilproc"));
            File.CreateSymbolicLink(Path.Combine(root, "proc"), "/evilproc");
            c.Configure(b => b.Args("sh", "-c", "grep -c ' /evilproc ' /proc/self/mountinfo"));
            return Refusal(c.Run(), "/proc", "procfs at the symlink's target?", runtime);
        });

    [Theory]
    [InlineData("/proc/self", "tmpfs")]
    [InlineData("/proc", "tmpfs")]
    [InlineData("/proc/sys/kernel/core_pattern", "bind")]
    [InlineData("/proc/self/attr/exec", "bind")]
    public void MountOnOrUnderProc_IsRefused(string destination, string type) =>
        SecuritySuite.AssertBlockedButWeakEscapes(log, $"{type} mount on {destination}", runtime =>
        {
            using var c = new Container("sec-proc-mount", runtime: runtime);
            string src = Path.Combine(c.Dir, "bind-source");
            File.WriteAllText(src, "|/tmp/evil-core-handler\n");
            c.Configure(b =>
            {
                if (destination == "/proc")
                {
                    var mounts = b.Config["mounts"]!.AsArray();
                    foreach (var m in mounts.Where(m => (string?)m?["destination"] == "/proc").ToList()) mounts.Remove(m);
                }
                if (type == "tmpfs") b.AddMount(destination, "tmpfs", "tmpfs", "size=64k");
                else b.AddMount(destination, "bind", src, "bind", "ro");
                b.Args("true");
            });
            // Our refusal must name the offending entry (mounts[N]): a later, unrelated failure (such as the
            // exec.fifo probe finding no procfs at /proc) is not the protection under test.
            return Refusal(c.Run(), "mounts[", $"a refusal must name the mount on {destination}", runtime);
        });

    // lxcfs-style overlays under /proc are on runc's allow-list: refusing them would break real users.
    [Fact]
    public void BindOnAllowedProcFile_StillWorks()
    {
        using var c = new Container("sec-proc-allowed");
        string src = Path.Combine(c.Dir, "cpuinfo");
        File.WriteAllText(src, "processor : 0 (lxcfs-style)\n");
        c.Configure(b =>
        {
            b.AddMount("/proc/cpuinfo", "bind", src, "bind", "ro");
            b.Args("cat", "/proc/cpuinfo");
        });
        var r = c.Run().ShouldSucceed();
        Assert.Equal("processor : 0 (lxcfs-style)\n", r.Stdout);
    }
}
