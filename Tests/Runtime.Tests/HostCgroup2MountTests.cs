using OciRuntime.Rootfs;

namespace OciRuntime.Tests;

public class HostCgroup2MountTests
{
    private const string Hybrid = """
        23 1 0:21 / / rw,relatime shared:1 - ext4 /dev/vda rw
        31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
        32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
        41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
        """;

    [Fact]
    public void HybridHost_IsTheUnifiedMount() =>
        Assert.Equal("/sys/fs/cgroup/unified", HostCgroup2Mount.Find(Hybrid.Split('\n')));

    [Fact]
    public void Cgroup2MountedOverTheHybridTree_HidesTheUnifiedMount() =>
        Assert.Equal("/sys/fs/cgroup", HostCgroup2Mount.Find((Hybrid + "\n90 31 0:38 / /sys/fs/cgroup rw,relatime - cgroup2 none rw").Split('\n')));

    [Fact]
    public void OnlyACgroupSubtreeOrACoveredMount_IsNone()
    {
        Assert.Null(HostCgroup2Mount.Find("30 1 0:38 /user.slice /sys/fs/cgroup rw - cgroup2 cgroup2 rw".Split('\n')));
        Assert.Null(HostCgroup2Mount.Find((Hybrid + "\n91 31 0:50 / /sys/fs/cgroup rw - tmpfs tmpfs rw").Split('\n')));
    }
}
