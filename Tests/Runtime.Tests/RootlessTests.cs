using System.Collections.Generic;
using OciRuntime.Container;
using OciRuntime.Notify;
using OciRuntime.Rootless;
using OciRuntime.Spec.Config;
using Xunit;

namespace OciRuntime.Tests;

/// <summary>The rootless decisions (Runtime/Rootless, IdMapWriter) and the notify parser, without a container.</summary>
public class RootlessDecisionTests
{
    [Theory]
    [InlineData("         0          0 4294967295\n", true)]
    [InlineData("0 0 4294967295", true)]
    [InlineData("         0       1000          1\n", false)]
    [InlineData("0 1000 1\n1 100000 65536\n", false)]
    [InlineData("0 0 65536\n", false)]
    public void InitialUidMap_IsOnlyTheIdentityOfTheWholeRange(string map, bool initial) =>
        Assert.Equal(initial, RootlessMode.IsInitialUidMap(map));

    [Theory]
    [InlineData("/run/user/1000", 1000u, false, "alice", true)]
    [InlineData("", 1000u, false, "alice", false)]
    [InlineData(null, 1000u, false, "alice", false)]
    [InlineData("/run/user/1000", 0u, false, "root", false)]   // real root: /run/oci-runtime
    [InlineData("/run/user/1000", 0u, true, "alice", true)]    // rootless podman: root of the user's namespace
    [InlineData("/run/user/1000", 0u, true, "root", false)]    // sudo inside a container
    public void XdgRuntimeDir_AsRuncDecides(string? xdg, uint euid, bool inChildNs, string user, bool expected) =>
        Assert.Equal(expected, RootlessMode.UseXdgRuntimeDir(xdg, euid, inChildNs, user));

    static LinuxSpec Maps(params (uint c, uint h, uint s)[] m)
    {
        var uids = new List<LinuxIdMapping>();
        foreach (var (c, h, s) in m) uids.Add(new LinuxIdMapping { ContainerId = c, HostId = h, Size = s });
        return new LinuxSpec { UidMappings = uids, GidMappings = new List<LinuxIdMapping>(uids) };
    }

    [Fact]
    public void OwnIdOnly_IsWrittenDirectly_WithSetgroupsDenied()
    {
        var how = IdMapWriter.Decide(Maps((0, 1000, 1)), 1000, 1000);
        Assert.False(how.UidByTool);
        Assert.False(how.GidByTool);
        Assert.True(how.DenySetgroups);
    }

    [Fact]
    public void Ranges_GoThroughNewuidmap_AndKeepSetgroups()
    {
        var how = IdMapWriter.Decide(Maps((0, 1000, 1), (1, 100000, 65536)), 1000, 1000);
        Assert.True(how.UidByTool);
        Assert.True(how.GidByTool);
        Assert.False(how.DenySetgroups);
    }

    [Fact]
    public void AnotherSingleId_GoesThroughTheTool()
    {
        Assert.True(IdMapWriter.Decide(Maps((0, 1001, 1)), 1000, 1000).UidByTool);
        Assert.True(IdMapWriter.Decide(Maps((0, 1000, 2)), 1000, 1000).UidByTool);
    }

    [Fact]
    public void Root_WritesEveryMapItself()
    {
        var how = IdMapWriter.Decide(Maps((0, 100000, 65536)), 0, 0);
        Assert.Equal(new IdMapWriter.Method(false, false, false), how);
    }

    [Fact]
    public void NoLimit_NeedsNoCgroup_ButAnyLimitDoes()
    {
        Assert.Null(RootlessCgroup.AskedFor(null));
        Assert.Null(RootlessCgroup.AskedFor(new LinuxResources { Devices = new List<LinuxDeviceCgroup> { new() { Allow = false, Access = "rwm" } } }));
        Assert.Equal("linux.resources.pids.limit", RootlessCgroup.AskedFor(new LinuxResources { Pids = new LinuxPids { Limit = 10 } }));
        Assert.StartsWith("linux.resources.memory", RootlessCgroup.AskedFor(new LinuxResources { Memory = new LinuxMemory { Limit = 1 << 20 } }));
    }

    [Theory]
    [InlineData("READY=1", "READY=1")]
    [InlineData("READY=1\nSTATUS=up\n", "READY=1")]
    [InlineData("STATUS=starting\nREADY=1", null)]   // runc looks at the datagram's start only
    [InlineData("WATCHDOG=1", null)]
    public void ReadyLine_AsRuncForwardsIt(string datagram, string? expected) =>
        Assert.Equal(expected, NotifySocket.ReadyLine(datagram));
}
