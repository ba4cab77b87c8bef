using OciRuntime.Rootfs;

namespace OciRuntime.Tests;

/// <summary>How delete finds the bind a container without a mount namespace left in the caller's namespace.</summary>
public class HostMountsTests
{
    [Fact]
    public void TopMountId_IsTheLastMountAtExactlyThatPath()
    {
        string info = Path.GetTempFileName();
        try
        {
            File.WriteAllLines(info, new[]
            {
                "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw",
                "40 27 254:0 /b/rootfs /b/rootfs rw,relatime - ext4 /dev/vda rw",
                "41 40 0:40 / /b/rootfs/proc rw - proc proc rw",
                "42 40 254:0 /b/rootfs /b/rootfs ro,relatime - ext4 /dev/vda rw",
                "43 27 254:0 /b/root\\040fs /b/root\\040fs rw - ext4 /dev/vda rw",
            });
            Assert.Equal(42, HostMounts.TopMountId("/b/rootfs", info));
            Assert.Equal(43, HostMounts.TopMountId("/b/root fs", info));
            Assert.Equal(0, HostMounts.TopMountId("/b", info));
        }
        finally { File.Delete(info); }
    }

    [Fact]
    public void Before_IsNullWithAMountNamespace()
    {
        var linux = new OciRuntime.Spec.Config.LinuxSpec
        {
            Namespaces = new() { new OciRuntime.Spec.Config.LinuxNamespace { Type = "mount" } },
        };
        Assert.Null(HostMounts.Before("/", linux));
        Assert.NotNull(HostMounts.Before("/", new OciRuntime.Spec.Config.LinuxSpec()));
    }
}
