using OciRuntime.Cgroups;

namespace OciRuntime.Cgroups.Tests;

/// <summary>containerd's cpu.shares 1024 on a hybrid host: dropped when cpu is not in v2, kept when it is; nothing else is dropped.</summary>
public sealed class UnavailableDefaultsTests : IDisposable
{
    private readonly string _mount = Directory.CreateTempSubdirectory("cgmount").FullName;

    public void Dispose() => Directory.Delete(_mount, true);

    private List<CgroupWrite> Planned(ulong shares) => new()
    {
        new CgroupWrite("cpu.weight", ResourceWriter.SharesToWeight(shares).ToString(), "linux.resources.cpu.shares"),
        new CgroupWrite("memory.max", "1048576", "linux.resources.memory.limit"),
    };

    [Fact]
    public void V1DefaultShares_AreDropped_WhenCpuIsNotInTheUnifiedHierarchy()
    {
        File.WriteAllText(Path.Combine(_mount, "cgroup.controllers"), "hugetlb\n");
        var kept = CgroupControllers.WithoutUnavailableDefaults(_mount, Planned(1024));
        Assert.Equal(new[] { "memory.max" }, kept.Select(w => w.File));
    }

    [Fact]
    public void NonDefaultShares_AreKept_SoTheyFailClearly()
    {
        File.WriteAllText(Path.Combine(_mount, "cgroup.controllers"), "hugetlb\n");
        var kept = CgroupControllers.WithoutUnavailableDefaults(_mount, Planned(512));
        Assert.Contains(kept, w => w.File == "cpu.weight");
    }

    [Fact]
    public void DefaultShares_AreWritten_WhenCpuIsAvailable()
    {
        File.WriteAllText(Path.Combine(_mount, "cgroup.controllers"), "cpu memory\n");
        Assert.Equal(2, CgroupControllers.WithoutUnavailableDefaults(_mount, Planned(1024)).Count);
    }
}
