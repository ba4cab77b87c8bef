using OciRuntime.Rootfs;
using OciRuntime.Spec.Config;

namespace OciRuntime.Tests;

/// <summary>
/// The runtime sends one fd per bind that MountPlanner.EmitBind receives one for: an empty source
/// (which resolves relative to the bundle, like any relative source) must not be skipped, or the
/// init would wait for an fd that is never sent.
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
        };
        var sent = BindSources.Of(mounts, "/bundle");
        Assert.Equal(["mounts[0]", "mounts[1]"], sent.Select(s => s.Where));
        Assert.Equal("/bundle/data", sent[1].Source);
    }
}
