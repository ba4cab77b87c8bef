using FsCheck;
using FsCheck.Fluent;
using OciRuntime.Cgroups;
using OciRuntime.Container;
using OciRuntime.Errors;
using OciRuntime.Rootfs;
using OciRuntime.State;

namespace OciRuntime.Tests;

public class NamingTests
{
    [Theory]
    [InlineData("9", 9)]
    [InlineData("KILL", 9)]
    [InlineData("SIGKILL", 9)]
    [InlineData("sigterm", 15)]
    [InlineData("TERM", 15)]
    [InlineData("SIGRTMIN+1", 35)]
    [InlineData("RTMAX", 64)]
    [InlineData("0", 0)] // kill(2) with 0 only checks the process exists; runc accepts it
    public void SignalNames_ParseLikeRunc(string s, int expected) => Assert.Equal(expected, SignalNames.Parse(s));

    [Theory]
    [InlineData("65")]
    [InlineData("SIGNOPE")]
    [InlineData("-9")]
    public void SignalNames_RejectInvalid(string s) => Assert.Throws<RuntimeException>(() => SignalNames.Parse(s));

    [Theory]
    [InlineData("abc", true)]
    [InlineData("a.b_c+d-e", true)]
    [InlineData(".", false)]
    [InlineData("..", false)]
    [InlineData("a/b", false)]
    [InlineData("", false)]
    [InlineData("a b", false)]
    public void ContainerIds_FollowRuncsRule(string id, bool ok) => Assert.Equal(ok, ContainerId.IsValid(id));

    [FsCheck.Xunit.Property(MaxTest = 500)]
    public bool ValidIds_AreAlwaysOnePathComponent(string id) =>
        !ContainerId.IsValid(id ?? "") || (!id!.Contains('/') && id != "." && id != ".." && id.Length > 0);

    [Theory]
    [InlineData("/a/b", "x", "/own", "/a/b")]
    [InlineData("rel", "x", "/own/cg", "/own/cg/rel")]
    [InlineData("", "x", "/own", "/own/x")]
    [InlineData("/../../etc", "x", "/own", "/etc")]
    [InlineData("../..", "x", "/own/a", "/")]
    public void CgroupPath_ResolvesLikeRunc(string path, string id, string own, string expected) =>
        Assert.Equal(expected, CgroupPath.Resolve(path, id, own));

    [FsCheck.Xunit.Property(MaxTest = 500)]
    public bool CgroupPath_NeverEscapesTheHierarchy(string path, string own)
    {
        string r = CgroupPath.Resolve(path ?? "", "id", "/" + (own ?? ""));
        return r.StartsWith('/') && !r.Split('/').Contains("..") && !r.Split('/').Contains(".");
    }

    [Theory]
    [InlineData("/a/./b//c/", new[] { "a", "b", "c" })]
    [InlineData("/", new string[0])]
    [InlineData("a/../b", new[] { "a", "..", "b" })]
    public void SafePath_Components(string p, string[] expected) => Assert.Equal(expected, SafePath.Components(p));

    [Fact]
    public void MountOptions_SplitFlagsPropagationRecursiveAndData()
    {
        var o = MountOptions.Parse(new[] { "rbind", "ro", "nosuid", "rslave", "rro", "mode=755", "size=64k" });
        Assert.True(o.IsRecursiveBind);
        Assert.Equal(Native.Interop.MountFlags.SLAVE | Native.Interop.MountFlags.REC, o.Propagation);
        Assert.Equal(Native.Interop.NewMount.ATTR_RDONLY, o.RecursiveAttrSet);
        Assert.Equal("mode=755,size=64k", o.Data);
        var (set, _) = o.TopAttributes();
        Assert.Equal(Native.Interop.NewMount.ATTR_RDONLY | Native.Interop.NewMount.ATTR_NOSUID, set);
    }

    [Fact]
    public void MountOptions_LaterOptionWins()
    {
        var o = MountOptions.Parse(new[] { "ro", "rw" });
        Assert.Equal(0UL, o.Flags & Native.Interop.MountFlags.RDONLY);
        Assert.Equal(Native.Interop.NewMount.ATTR_RDONLY, o.TopAttributes().Clear);
    }

    [Fact]
    public void MakeDev_MatchesGlibc() =>
        Assert.Equal(0x0103UL, DevicePlanner.MakeDev(1, 3));
}
