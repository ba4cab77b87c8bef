using OciRuntime.Rootfs;

namespace OciRuntime.Tests;

/// <summary>The static half of runc's /proc rules and --no-pivot's choice of host mounts (issue 10 items 4, 5).</summary>
public class ProcMountRulesTests
{
    static string? Problem(string dest, string? type, bool procfsSource = false) => ProcMountRules.Problem(dest, type, () => procfsSource);

    [Theory]
    [InlineData("/proc", "tmpfs")]
    [InlineData("/proc", "sysfs")]
    [InlineData("/proc", null)]
    [InlineData("/proc/self", "tmpfs")]
    [InlineData("/proc/sys", "tmpfs")]
    [InlineData("/proc/sys/kernel/core_pattern", null)]
    [InlineData("/proc/1/attr/exec", null)]
    [InlineData("/proc/./sys/", "tmpfs")]
    [InlineData("/tmp/../proc/sys", "tmpfs")]
    [InlineData("/proc/cpuinfo/x", null)]
    public void MountsOnOrInsideProc_AreRefused(string dest, string? type) => Assert.NotNull(Problem(dest, type));

    [Theory]
    [InlineData("/proc", "proc", false)]
    [InlineData("/proc", null, true)]
    [InlineData("/proc/cpuinfo", null, false)]
    [InlineData("/proc/net/dev", "tmpfs", false)]
    [InlineData("/proc/sys/kernel/ns_last_pid", null, false)]
    [InlineData("/proc/sys/crypto/fips_enabled", null, false)]
    [InlineData("/proc/x", "proc", false)]
    [InlineData("/procfs", "tmpfs", false)]
    [InlineData("/data/proc", "tmpfs", false)]
    [InlineData("/", "tmpfs", false)]
    public void ProcItselfAndTheOverlays_AreAllowed(string dest, string? type, bool procfsSource) => Assert.Null(Problem(dest, type, procfsSource));

    [Fact]
    public void HostProcIsProcfs()
    {
        Assert.True(ProcMountRules.IsProcfs("/proc"));
        Assert.True(ProcMountRules.IsProcfs("/proc/self"));
        Assert.False(ProcMountRules.IsProcfs("/tmp"));
        Assert.False(ProcMountRules.IsProcfs("/no/such/path"));
    }

    [Fact]
    public void ResolveInRootfs_FollowsTheImagesSymlinksInsideIt()
    {
        string root = Directory.CreateTempSubdirectory("procrules").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "proc"));
            Directory.CreateDirectory(Path.Combine(root, "real"));
            File.CreateSymbolicLink(Path.Combine(root, "abs"), "/proc/sys");
            File.CreateSymbolicLink(Path.Combine(root, "rel"), "real/../proc");
            File.CreateSymbolicLink(Path.Combine(root, "up"), "../../../../proc/self");
            File.CreateSymbolicLink(Path.Combine(root, "loop"), "loop");
            Assert.Equal("/proc/sys/kernel", ProcMountRules.ResolveInRootfs(root, "/abs/kernel"));
            Assert.Equal("/proc/x", ProcMountRules.ResolveInRootfs(root, "rel/x"));
            Assert.Equal("/proc/self", ProcMountRules.ResolveInRootfs(root, "/up"));
            Assert.Equal("/real/new/dir", ProcMountRules.ResolveInRootfs(root, "/real/./new//dir"));
            Assert.Equal("/loop", ProcMountRules.ResolveInRootfs(root, "/loop"));
        }
        finally { Directory.Delete(root, true); }
    }

    [Fact]
    public void NoPivotTargets_AreFullProcAndSysfsOutsideTheRootfs()
    {
        string file = Path.GetTempFileName();
        try
        {
            File.WriteAllLines(file, new[]
            {
                "22 1 0:21 / /proc rw,nosuid shared:12 - proc proc rw",
                "23 22 0:40 / /proc/sys/fs/binfmt_misc rw shared:13 - autofs systemd-1 rw",
                "24 22 0:21 / /proc rw,nosuid shared:12 - proc proc rw",
                "25 1 0:22 / /sys rw shared:2 - sysfs sysfs rw",
                "26 25 0:23 / /sys/kernel/security rw - securityfs securityfs rw",
                "27 25 0:22 / /sys/fs/other rw - sysfs sysfs rw",
                "28 1 0:21 /1234 /run/netns/x rw - proc proc rw",
                "29 1 0:21 / /bundles/c1/rootfs/proc rw - proc proc rw",
                "30 1 0:21 / /bundles/c1/rootfs2 rw - proc proc rw",
                "31 1 0:21 / /mnt/with\\040space rw - proc proc rw",
                "32 1 8:1 / / rw - ext4 /dev/sda1 rw",
            });
            Assert.Equal(new[] { "/proc", "/proc", "/sys", "/bundles/c1/rootfs2", "/mnt/with space" },
                NoPivotDetach.Targets("/bundles/c1/rootfs/", file));
        }
        finally { File.Delete(file); }
    }
}
