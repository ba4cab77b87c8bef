using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace OciRuntime.Conformance.Security;

/// <summary>
/// CVE-2025-31133 class (issue 10 item 7): masked files are covered by bind-mounting /dev/null. When the
/// container controls /dev (here a bind mount of a directory the attacker owns, the static form of the
/// race) and its /dev/null is a symlink to /proc/sys/kernel/core_pattern, a runtime that binds the
/// container's "/dev/null" by path masks /proc/timer_list with the host's core_pattern instead: readable,
/// and writable where /proc/sys is not read-only. Blocked by: the mask source opened and verified to be
/// the character device 1:3 or a runtime-owned object (OCI_WEAKEN_MASK_VERIFY).
/// </summary>
public class MaskSourceAttacks(ITestOutputHelper log)
{
    [Fact]
    public void DevNullSwappedForAProcfsSymlink_NeverBecomesTheMask() =>
        SecuritySuite.AssertBlockedButWeakEscapes(log, "/dev/null -> core_pattern as the mask source", runtime =>
        {
            using var c = SecuritySuite.AttackContainer("sec-devnull", runtime);
            string dev = Path.Combine(c.Dir, "attacker-dev");
            Directory.CreateDirectory(dev);
            File.CreateSymbolicLink(Path.Combine(dev, "null"), "/proc/sys/kernel/core_pattern");
            c.Configure(b =>
            {
                var mounts = b.Config["mounts"]!.AsArray();
                foreach (var m in mounts.Where(m => ((string?)m?["destination"])?.StartsWith("/dev", StringComparison.Ordinal) == true).ToList())
                    mounts.Remove(m);
                mounts.Insert(1, new JsonObject
                {
                    ["destination"] = "/dev", ["type"] = "bind", ["source"] = dev,
                    ["options"] = new JsonArray("rbind", "rw"),
                });
                b.Args("/attacker", "paths", "masked:/proc/timer_list", "masked:/proc/keys", "masked:/proc/kcore");
            });
            var r = c.Run();
            return Outcome.FromAttacker(r.Stdout, $"run exited {r.ExitCode}: {r.Stderr.Trim()}");
        }, runcKnownWeakBecause: "CVE-2025-31133: runc before 1.2.8 binds the container's /dev/null by path");
}
