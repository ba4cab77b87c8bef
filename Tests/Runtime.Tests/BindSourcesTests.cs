using OciRuntime.Rootfs;
using OciRuntime.Spec.Config;

namespace OciRuntime.Tests;

/// <summary>
/// The runtime sends one fd per bind that MountPlanner.EmitBind receives one for: an empty or
/// missing source (the bundle directory, as in runc) must not be skipped, or the init would wait
/// for an fd that is never sent.
/// </summary>
public sealed class BindSourcesTests
{
    [Fact]
    public void EmptySourceBind_IsSentLikeAnyOther()
    {
        var mounts = new List<MountSpec>
        {
            new() { Destination = "/a", Type = "bind", Source = "", Options = ["rbind"] },
            new() { Destination = "/b", Type = "bind", Source = "data", Options = ["bind"] },
            new() { Destination = "/proc", Type = "proc", Source = "proc" },
            new() { Destination = "/c", Type = "bind", Options = ["rbind"] },
        };
        var sent = BindSources.Of(mounts, "/bundle");
        Assert.Equal(["mounts[0]", "mounts[1]", "mounts[3]"], sent.Select(s => s.Where));
        Assert.Equal("/bundle/data", sent[1].Source);
        // Empty and missing sources are the bundle directory, as runc 1.1.5 binds them.
        Assert.Equal("/bundle", sent[0].Source);
        Assert.Equal("/bundle", sent[2].Source);
    }
}
