using System.Text.Json;
using OciRuntime.Spec.Config;

namespace OciRuntime.Cgroups.Tests;

/// <summary>Controller checks and stats parsing over a fake cgroup tree of plain files.</summary>
public sealed class ControllerAndStatsTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "oci-cgfake-" + Guid.NewGuid().ToString("N"));

    public ControllerAndStatsTests()
    {
        Directory.CreateDirectory(Path.Combine(_root, "a", "b"));
        File.WriteAllText(Path.Combine(_root, "cgroup.controllers"), "cpu memory pids\n");
        File.WriteAllText(Path.Combine(_root, "a", "cgroup.controllers"), "memory pids\n");
        File.WriteAllText(Path.Combine(_root, "cgroup.subtree_control"), "");
        File.WriteAllText(Path.Combine(_root, "a", "cgroup.subtree_control"), "pids\n");
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Ancestors_FromRootToParent() =>
        Assert.Equal(new[] { _root, _root + "/a" }, CgroupControllers.Ancestors(_root + "/", "/a/b"));

    [Fact]
    public void Unavailable_NamesControllerSourceAndHostMode()
    {
        var writes = ResourceWriter.Plan(new LinuxResources { BlockIo = new LinuxBlockIo { Weight = 500 } });
        var e = Assert.Throws<CgroupException>(() => CgroupControllers.EnsureAvailable(_root, "/a/b", writes));
        Assert.Contains("linux.resources.blockIO.weight", e.Message);
        Assert.Contains("the io controller is not available", e.Message);
        // Offered by the root: available, even if an intermediate cgroup does not list it yet.
        CgroupControllers.EnsureAvailable(_root, "/a/b", ResourceWriter.Plan(new LinuxResources { Cpu = new LinuxCpu { Shares = 512 } }));
        Assert.Contains("hybrid", e.Message); // the fake mount is not /sys/fs/cgroup
        Assert.Contains("unified", CgroupControllers.Unavailable("/sys/fs/cgroup", "/sys/fs/cgroup/x", "cpu", "s", new HashSet<string> { "pids" }));
        CgroupControllers.EnsureAvailable(_root, "/a/b", ResourceWriter.Plan(new LinuxResources { Pids = new LinuxPids { Limit = 5 } }));
        CgroupControllers.EnsureAvailable(_root, "/a/b", ResourceWriter.Plan(new LinuxResources { Unified = new() { ["cgroup.freeze"] = "0" } }));
    }

    [Fact]
    public void Enable_WritesOnlyMissingControllers()
    {
        CgroupControllers.Enable(_root, "/a/b", new[] { "pids" });
        Assert.Equal("+pids", File.ReadAllText(Path.Combine(_root, "cgroup.subtree_control")));
        Assert.Equal("pids\n", File.ReadAllText(Path.Combine(_root, "a", "cgroup.subtree_control"))); // already on: not rewritten
    }

    [Fact]
    public void Enable_RefusesAnAncestorWithProcesses_OrSkipsItWhenBestEffort()
    {
        File.WriteAllText(Path.Combine(_root, "a", "cgroup.procs"), "123\n");
        var e = Assert.Throws<CgroupException>(() => CgroupControllers.Enable(_root, "/a/b", new[] { "memory" }));
        Assert.Contains("has processes of its own", e.Message);
        CgroupControllers.Enable(_root, "/a/b", new[] { "memory" }, strict: false);
        Assert.Equal("pids\n", File.ReadAllText(Path.Combine(_root, "a", "cgroup.subtree_control")));
    }

    [Fact]
    public void Stats_ParseV2FilesAsRunc()
    {
        string d = Path.Combine(_root, "a", "b");
        File.WriteAllText(Path.Combine(d, "cpu.stat"), "usage_usec 1500\nuser_usec 1000\nsystem_usec 500\nnr_periods 10\nnr_throttled 4\nthrottled_usec 250\n");
        File.WriteAllText(Path.Combine(d, "memory.current"), "4096\n");
        File.WriteAllText(Path.Combine(d, "memory.max"), "max\n");
        File.WriteAllText(Path.Combine(d, "memory.stat"), "anon 1024\nfile 2048\n");
        File.WriteAllText(Path.Combine(d, "memory.events"), "low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n");
        File.WriteAllText(Path.Combine(d, "pids.current"), "2\n");
        File.WriteAllText(Path.Combine(d, "pids.max"), "100\n");
        File.WriteAllText(Path.Combine(d, "io.stat"), "8:0 rbytes=90112 wbytes=4096 rios=4 wios=1 dbytes=0 dios=0\n");
        File.WriteAllText(Path.Combine(d, "hugetlb.2MB.current"), "0\n");
        File.WriteAllText(Path.Combine(d, "hugetlb.2MB.max"), "max\n");
        var s = CgroupStats.Read(d);
        Assert.Equal(1_500_000UL, s.CpuTotal);
        Assert.Equal(250_000UL, s.CpuThrottledTime);
        Assert.Equal(ulong.MaxValue, s.MemLimit);
        Assert.Equal(2048UL, s.Cache);
        Assert.Equal(1UL, s.OomKills);
        Assert.Equal(1UL, CgroupStats.ReadOomKills(d));

        using var doc = JsonDocument.Parse(StatsJson.Stats("x", s));
        var root = doc.RootElement;
        Assert.Equal("stats", root.GetProperty("type").GetString());
        Assert.Equal("x", root.GetProperty("id").GetString());
        var data = root.GetProperty("data");
        Assert.Equal(1_500_000UL, data.GetProperty("cpu").GetProperty("usage").GetProperty("total").GetUInt64());
        Assert.Equal(4UL, data.GetProperty("cpu").GetProperty("throttling").GetProperty("throttledPeriods").GetUInt64());
        Assert.Equal(4096UL, data.GetProperty("memory").GetProperty("usage").GetProperty("usage").GetUInt64());
        Assert.Equal(3UL, data.GetProperty("memory").GetProperty("usage").GetProperty("failcnt").GetUInt64());
        Assert.Equal(1024UL, data.GetProperty("memory").GetProperty("raw").GetProperty("anon").GetUInt64());
        Assert.Equal(2UL, data.GetProperty("pids").GetProperty("current").GetUInt64());
        Assert.Equal(100UL, data.GetProperty("pids").GetProperty("limit").GetUInt64());
        var io = data.GetProperty("blkio").GetProperty("ioServiceBytesRecursive");
        Assert.Equal("Read", io[0].GetProperty("op").GetString());
        Assert.Equal(90112UL, io[0].GetProperty("value").GetUInt64());
        Assert.True(data.GetProperty("hugetlb").TryGetProperty("2MB", out _));
        Assert.Equal("{\"type\":\"oom\",\"id\":\"x\"}", StatsJson.Oom("x"));
    }

    [Fact]
    public void Stats_MissingFilesAreZeros()
    {
        var s = CgroupStats.Read(Path.Combine(_root, "a", "b"));
        Assert.Equal(0UL, s.MemUsage);
        Assert.Equal(0UL, s.PidsCurrent);
    }
}
