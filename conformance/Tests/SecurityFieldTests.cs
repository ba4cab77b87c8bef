using System.Text.Json.Nodes;

namespace OciRuntime.Conformance.Tests;

/// <summary>
/// LSM labels, Intel RDT and the NUMA memory policy on a host without AppArmor, SELinux or resctrl
/// (these machines). A label that cannot be applied is an error, never a silently unconfined
/// container; runc 1.1.5 fails the same way (its exact words differ for AppArmor).
/// </summary>
public class SecurityFieldTests
{
    [Theory]
    [InlineData("apparmor")]
    [InlineData("selinux")]
    [InlineData("intelRdt")]
    public void UnavailableSecurityFeature_FailsCreate_AndLeavesNothing(string field)
    {
        using var c = new Container("lsm-" + field.ToLowerInvariant()).Configure(b =>
        {
            b.Args("true");
            switch (field)
            {
                case "apparmor": b.Process["apparmorProfile"] = "oci-test-profile"; break;
                case "selinux": b.Process["selinuxLabel"] = "system_u:system_r:container_t:s0"; break;
                default: b.Linux["intelRdt"] = new JsonObject { ["closID"] = "oci-test", ["l3CacheSchema"] = "L3:0=f" }; break;
            }
        });
        Assert.False(File.Exists("/sys/fs/selinux/enforce") && field == "selinux", "this test assumes a host without SELinux");
        var r = c.Run();
        Assert.NotEqual(0, r.ExitCode);
        string err = r.Stderr.ToLowerInvariant();
        Assert.Contains(field switch { "apparmor" => "apparmor", "selinux" => "selinux", _ => "rdt" }, err);
        Assert.Contains("does not exist", c.State().ShouldFail().Stderr);
        Assert.Empty(Cgroups.Dirs(c.Id));
    }

    [Fact]
    public void MemoryPolicy_IsTheProcesssPolicy()
    {
        using var c = new Container("mempolicy").Configure(b =>
        {
            b.Linux["memoryPolicy"] = new JsonObject { ["mode"] = "MPOL_BIND", ["nodes"] = "0" };
            b.Sh("head -1 /proc/self/numa_maps");
        });
        string line = c.Run().ShouldSucceed().Stdout;
        if (TestEnv.IsRunc)
        {
            Assert.Contains(" default ", line);   // runc 1.1.5 predates linux.memoryPolicy and ignores it
            return;
        }
        Assert.Contains(" bind:0 ", line);
    }
}
