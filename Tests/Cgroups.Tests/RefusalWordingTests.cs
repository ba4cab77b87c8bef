using OciRuntime.Spec.Config;

namespace OciRuntime.Cgroups.Tests;

/// <summary>
/// Refused settings name what the caller asked for: containerd's update sends memory.swap with
/// memory.limit (swap is written first), and the error must name the limit; weightDevice on a host
/// without io in cgroup v2 must say that, not that BFQ is missing.
/// </summary>
public sealed class RefusalWordingTests : IDisposable
{
    private readonly string _mount = Directory.CreateTempSubdirectory("cgmount").FullName;

    public RefusalWordingTests() => File.WriteAllText(Path.Combine(_mount, "cgroup.controllers"), "hugetlb\n");

    public void Dispose() => Directory.Delete(_mount, true);

    private string Refusal(LinuxResources r) =>
        Assert.Throws<CgroupException>(() => new CgroupV2Manager(_mount, "/ct").Update(r)).Message;

    [Fact]
    public void MemoryLimitWithSwap_NamesTheLimitFirst()
    {
        string m = Refusal(new LinuxResources { Memory = new LinuxMemory { Limit = 256 << 20, Swap = 512L << 20 } });
        Assert.StartsWith("linux.resources.memory.limit (also linux.resources.memory.swap): the memory controller is not available", m);
    }

    [Fact]
    public void SwapEqualToTheLimit_StillNamesTheLimit()
    {
        // swap == limit is "no swap": memory.swap.max 0, written before memory.max.
        var writes = ResourceWriter.Plan(new LinuxResources { Memory = new LinuxMemory { Limit = 256 << 20, Swap = 256 << 20 } });
        Assert.Equal("memory.swap.max", writes[0].File);
        Assert.StartsWith("linux.resources.memory.limit", CgroupControllers.SettingsNeeding(writes, "memory"));
    }

    [Fact]
    public void AOneSettingRefusal_NamesJustIt() =>
        Assert.StartsWith("linux.resources.pids.limit: the pids controller is not available",
            Refusal(new LinuxResources { Pids = new LinuxPids { Limit = 10 } }));

    private static readonly LinuxResources OneWeightDevice = new()
    {
        BlockIo = new LinuxBlockIo { WeightDevice = [new LinuxWeightDevice { Major = 8, Minor = 0, Weight = 500 }] },
    };

    [Fact]
    public void WeightDevice_WithoutIo_OnAUnifiedHost_SaysIoIsMissing_NotBfq()
    {
        // A unified host refuses it (SoftWeights skips weights only on hybrid hosts); the check is
        // the manager's, on the writes planned as if BFQ were there.
        string m = Assert.Throws<CgroupException>(() =>
            CgroupControllers.EnsureAvailable(_mount, "/ct", ResourceWriter.Plan(OneWeightDevice, bfqWeight: true))).Message;
        Assert.Contains("linux.resources.blockIO.weightDevice[0]", m);
        Assert.Contains("the io controller is not available", m);
        Assert.DoesNotContain("BFQ", m);
    }

    [Fact]
    public void WeightDevice_WithoutIo_OnAHybridHost_IsSkippedWithAWarningNamingIo_NotBfq()
    {
        string? warning = new CgroupV2Manager(_mount, "/ct").Update(OneWeightDevice);   // a temp dir is not a pure v2 mount
        Assert.NotNull(warning);
        Assert.Contains("linux.resources.blockIO.weightDevice", warning);
        Assert.Contains("io controller", warning);
        Assert.DoesNotContain("BFQ", warning);
    }

    [Fact]
    public void WeightDevice_WithIoButNoBfq_StillExplainsBfq()
    {
        File.WriteAllText(Path.Combine(_mount, "cgroup.controllers"), "io\n");
        Directory.CreateDirectory(Path.Combine(_mount, "ct"));
        string m = Refusal(new LinuxResources
        {
            BlockIo = new LinuxBlockIo { WeightDevice = [new LinuxWeightDevice { Major = 8, Minor = 0, Weight = 500 }] },
        });
        Assert.Contains("BFQ", m);
    }
}
