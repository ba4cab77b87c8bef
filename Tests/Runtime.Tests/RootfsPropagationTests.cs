using OciRuntime.Native.Interop;
using OciRuntime.Rootfs;

namespace OciRuntime.Tests;

/// <summary>rootfsPropagation (issue 12): runc's exact mapping, and when the rootfs's parent mount must be made private.</summary>
public class RootfsPropagationTests
{
    [Theory]
    [InlineData("shared", MountFlags.SHARED)]
    [InlineData("rshared", MountFlags.SHARED | MountFlags.REC)]
    [InlineData("slave", MountFlags.SLAVE)]
    [InlineData("rslave", MountFlags.SLAVE | MountFlags.REC)]
    [InlineData("private", MountFlags.PRIVATE)]
    [InlineData("rprivate", MountFlags.PRIVATE | MountFlags.REC)]
    [InlineData("unbindable", MountFlags.UNBINDABLE)]
    [InlineData("runbindable", MountFlags.UNBINDABLE | MountFlags.REC)]
    [InlineData(null, MountFlags.SLAVE | MountFlags.REC)]
    public void Mapping_IsRuncs(string? value, ulong flags) => Assert.Equal(flags, RootfsPlanner.RootPropagation(value));

    [Theory]
    [InlineData(null, 0UL)]
    [InlineData("private", 0UL)]
    [InlineData("rprivate", 0UL)]
    [InlineData("rshared", MountFlags.SHARED)]
    [InlineData("slave", MountFlags.SLAVE)]
    [InlineData("runbindable", MountFlags.UNBINDABLE)]
    public void AfterPivot_OnlyTheRootsType(string? value, ulong flags) => Assert.Equal(flags, RootfsPlanner.RootTypeAfterPivot(value));

    // "/" private, /srv a shared mount, /srv/u unbindable, /srv/two\040dirs shared, and /srv mounted over twice (last on top).
    const string MountInfo = """
        21 1 8:1 / / rw,relatime - ext4 /dev/sda1 rw
        30 21 8:2 / /srv rw,relatime shared:5 - ext4 /dev/sda2 rw
        31 30 0:40 / /srv/u rw unbindable - tmpfs tmpfs rw
        32 30 0:41 / /srv/two\040dirs rw shared:7 master:2 - tmpfs tmpfs rw
        33 21 0:42 / /srvx rw shared:9 - tmpfs tmpfs rw
        """;

    static string? ToMakePrivate(string rootfs, string? propagation)
    {
        string file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, MountInfo.Replace("\n        ", "\n"));
            return RootfsParentMount.ToMakePrivate(rootfs, RootfsPlanner.RootPropagation(propagation), file);
        }
        finally { File.Delete(file); }
    }

    [Theory]
    // Under "/": only what the "/" change itself leaves shared or unbindable needs it.
    [InlineData("/var/lib/c/rootfs", null, null)]
    [InlineData("/var/lib/c/rootfs", "shared", "/")]
    [InlineData("/var/lib/c/rootfs", "unbindable", "/")]
    [InlineData("/var/lib/c/rootfs", "private", null)]
    // Under a shared mount: a recursive change reaches it, a plain one leaves it shared.
    [InlineData("/srv/c/rootfs", "rslave", null)]
    [InlineData("/srv/c/rootfs", "slave", "/srv")]
    [InlineData("/srv/c/rootfs", "private", "/srv")]
    [InlineData("/srv/c/rootfs", "rshared", "/srv")]
    [InlineData("/srv", "slave", "/srv")]
    [InlineData("/srv/u/rootfs", "slave", "/srv/u")]
    [InlineData("/srv/two dirs/rootfs", "private", "/srv/two dirs")]
    // A mount point that only shares a prefix is not a parent.
    [InlineData("/srvxyz/rootfs", "slave", null)]
    [InlineData("/srvx/rootfs", "slave", "/srvx")]
    public void ParentMount_MadePrivateWhenSharedOrUnbindable(string rootfs, string? propagation, string? expected) =>
        Assert.Equal(expected, ToMakePrivate(rootfs, propagation));
}
