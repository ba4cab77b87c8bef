using OciRuntime.Conformance.Security;

namespace OciRuntime.Conformance.Tests;

/// <summary>
/// Issue 12, linux.rootfsPropagation (runtime-tools' config_updates_without_affect and
/// linux_rootfs_propagation): every value runs, the container's "/" carries the asked type, and a
/// rootfs under a shared host mount neither breaks pivot_root nor leaks the runtime's mounts to the
/// host (runc's rootfsParentMountPrivate; switched off in the weak build by
/// OCI_WEAKEN_ROOTFS_PARENT_PRIVATE).
/// </summary>
public class RootfsPropagationTests
{
    [Theory]
    [InlineData("shared")]
    [InlineData("rshared")]
    [InlineData("slave")]
    [InlineData("rslave")]
    [InlineData("private")]
    [InlineData("rprivate")]
    [InlineData("unbindable")]
    [InlineData("runbindable")]
    public void RootfsPropagation_ContainerRootHasTheAskedType(string propagation)
    {
        using var c = new Container("rootprop-" + propagation);
        c.Configure(b =>
        {
            b.Linux["rootfsPropagation"] = propagation;
            b.Sh("cat /proc/self/mountinfo");
        });
        var r = c.Run();
        string type = propagation.TrimStart('r');
        if (TestEnv.IsRunc && type == "unbindable")
        {
            // runc 1.1.5 makes the host's "/" unbindable first, then cannot bind the rootfs out of it.
            Assert.NotEqual(0, r.ExitCode);
            return;
        }
        var root = MountInfo.Require(r.ShouldSucceed().Stdout, "/");
        switch (type)
        {
            // runc 1.1.5 never applies the type to the container's root: runtime-tools' "shared" case fails.
            case "shared": Assert.True(root.Shared != TestEnv.IsRunc, root.ToString()); break;
            case "unbindable": Assert.True(root.Unbindable && !root.Shared, root.ToString()); break;
            default: Assert.True(!root.Shared && !root.Unbindable, root.ToString()); break;
        }
    }

    public static IEnumerable<object[]> UnderSharedHostMount() =>
        from p in new[] { "shared", "rshared", "slave", "private", "unbindable" }
        from weak in new[] { false, true }
        select new object[] { p, weak };

    [Theory]
    [MemberData(nameof(UnderSharedHostMount))]
    public void RootfsUnderSharedHostMount_RunsAndLeavesTheHostNoMount(string propagation, bool weak)
    {
        if (weak && TestEnv.IsRunc) return; // the weak build is ours
        using var c = SecuritySuite.ContainerOfBuild("rootprop-host-" + propagation, weak);
        // A shared host mount holding the rootfs, as on systemd hosts (where "/" itself is shared).
        string top = Path.Combine(c.Dir, "sharedtop");
        string rootfs = Path.Combine(top, "rootfs");
        Directory.CreateDirectory(top);
        ProcessRunner.Run("mount", ["--bind", top, top]).ShouldSucceed();
        try
        {
            ProcessRunner.Run("mount", ["--make-shared", top]).ShouldSucceed();
            Directory.CreateDirectory(rootfs);
            ProcessRunner.Run("mount", ["--bind", BusyboxRootfs.Path, rootfs]).ShouldSucceed();
            int before = MountsAtOrUnder(rootfs);
            c.Configure(b =>
            {
                b.Config["root"] = new System.Text.Json.Nodes.JsonObject { ["path"] = rootfs, ["readonly"] = true };
                b.Linux["rootfsPropagation"] = propagation;
                b.Args("true");
            });
            var r = c.Run();
            int leaked = MountsAtOrUnder(rootfs) - before;
            if (weak)
            {
                Assert.True(leaked > 0 || r.ExitCode != 0,
                    $"weak build: expected the rootfs bind to reach the host or pivot_root to fail; exit {r.ExitCode}, {leaked} leaked");
                return;
            }
            r.ShouldSucceed();
            Assert.True(leaked == 0, $"{leaked} mount(s) of the container appeared on the host under {rootfs}");
        }
        finally { HostileRootfs.HostUnmount(top); }
    }

    static int MountsAtOrUnder(string dir) =>
        MountInfo.Parse(File.ReadAllText("/proc/self/mountinfo"))
            .Count(m => m.MountPoint == dir || m.MountPoint.StartsWith(dir + "/", StringComparison.Ordinal));
}
