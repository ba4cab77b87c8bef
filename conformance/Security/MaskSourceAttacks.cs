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
    const string RuncWeak = "CVE-2025-31133: runc before 1.2.8 binds the container's /dev/null by path";

    /// <summary>/dev of the container is the attacker's directory (a bind mount both sides share).</summary>
    static void UseAttackerDev(Container c, string dev) =>
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

    [Fact]
    public void DevNullSwappedForAProcfsSymlink_NeverBecomesTheMask() =>
        SecuritySuite.AssertBlockedButWeakEscapes(log, "/dev/null -> core_pattern as the mask source", runtime =>
        {
            using var c = SecuritySuite.AttackContainer("sec-devnull", runtime);
            string dev = Path.Combine(c.Dir, "attacker-dev");
            Directory.CreateDirectory(dev);
            File.CreateSymbolicLink(Path.Combine(dev, "null"), "/proc/sys/kernel/core_pattern");
            UseAttackerDev(c, dev);
            var r = c.Run();
            return Outcome.FromAttacker(r.Stdout, $"run exited {r.ExitCode}: {r.Stderr.Trim()}");
        }, runcKnownWeakBecause: RuncWeak);

    // The racing form: /dev/null is a real 1:3 node that a host thread keeps exchanging with the symlink
    // (RENAME_EXCHANGE), so a check by path followed by a bind by path loses some of the time.
    [Fact]
    public void DevNullRacedWithAProcfsSymlink_NeverBecomesTheMask() =>
        SecuritySuite.AssertBlockedButWeakEscapes(log, "/dev/null raced with a core_pattern symlink", runtime =>
        {
            var evidence = new List<string>();
            for (int i = 0; i < 8; i++)
            {
                using var c = SecuritySuite.AttackContainer("sec-devnull-race", runtime);
                string dev = Path.Combine(c.Dir, "attacker-dev");
                Directory.CreateDirectory(dev);
                ProcessRunner.Run("/bin/mknod", ["-m", "666", Path.Combine(dev, "null"), "c", "1", "3"]).ShouldSucceed();
                File.CreateSymbolicLink(Path.Combine(dev, "null-swap"), "/proc/sys/kernel/core_pattern");
                UseAttackerDev(c, dev);
                CliResult r;
                using (new SymlinkSwapper(Path.Combine(dev, "null"), Path.Combine(dev, "null-swap")))
                    r = c.Run();
                var o = Outcome.FromAttacker(r.Stdout, $"try {i}: run exited {r.ExitCode}: {r.Stderr.Trim()}");
                evidence.Add(o.Detail.Trim());
                if (o.Escaped) return o with { Detail = string.Join("\n", evidence) };
            }
            return Outcome.Blocked("no try got a mask that is not /dev/null", string.Join("\n", evidence));
        }, runcKnownWeakBecause: RuncWeak);
}
