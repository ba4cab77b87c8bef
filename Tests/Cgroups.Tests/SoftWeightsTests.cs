using OciRuntime.Spec.Config;

namespace OciRuntime.Cgroups.Tests;

/// <summary>
/// Weights on a hybrid host (cpu, io bound to v1): skipped with one warning; hard limits are
/// kept, so they still fail clearly; on a unified host only cpu.shares 1024 is skipped.
/// </summary>
public sealed class SoftWeightsTests : IDisposable
{
    private readonly string _mount = Directory.CreateTempSubdirectory("cgmount").FullName;

    public SoftWeightsTests() => Controllers("hugetlb");

    public void Dispose() => Directory.Delete(_mount, true);

    private void Controllers(string list) => File.WriteAllText(Path.Combine(_mount, "cgroup.controllers"), list + "\n");

    private static LinuxResources Weights(ulong shares) => new()
    {
        Cpu = new LinuxCpu { Shares = shares, Quota = 50000, Period = 100000, Cpus = "0" },
        BlockIo = new LinuxBlockIo
        {
            Weight = 500,
            WeightDevice = [new LinuxWeightDevice { Major = 8, Minor = 0, Weight = 50 }],
            ThrottleReadBpsDevice = [new LinuxThrottleDevice { Major = 8, Minor = 0, Rate = 1000 }],
        },
        Memory = new LinuxMemory { Limit = 1 << 20 },
        Pids = new LinuxPids { Limit = 10 },
    };

    private static string[] Sources(LinuxResources r) => ResourceWriter.Plan(r).Select(w => w.Source).Distinct().ToArray();

    [Fact]
    public void Hybrid_WeightsAreSkipped_WithOneWarningNamingThem_HardLimitsStay()
    {
        var r = Weights(2);
        var kept = SoftWeights.Without(_mount, hybrid: true, r, out string? warning);
        Assert.NotNull(warning);
        Assert.Contains("linux.resources.cpu.shares (2)", warning);
        Assert.Contains("linux.resources.blockIO.weight (500)", warning);
        Assert.Contains("linux.resources.blockIO.weightDevice", warning);
        Assert.Contains("hybrid", warning);
        Assert.DoesNotContain('\n', warning);
        // Planning no longer needs BFQ (weightDevice gone) and keeps every hard limit.
        Assert.Equal(
            new[] { "linux.resources.pids.limit", "linux.resources.memory.limit", "linux.resources.blockIO.throttleReadBpsDevice[0]", "linux.resources.cpu.quota", "linux.resources.cpu.cpus" },
            Sources(kept));
        // The caller's document is untouched (create saves it, update prints nothing of it).
        Assert.Equal(2UL, r.Cpu!.Shares);
        Assert.Equal((ushort)500, r.BlockIo!.Weight);
        Assert.Single(r.BlockIo.WeightDevice!);
    }

    [Fact]
    public void Hybrid_ControllerInV2_WeightsAreKept()
    {
        Controllers("cpu io hugetlb");
        var r = Weights(2);
        Assert.Same(r, SoftWeights.Without(_mount, hybrid: true, r, out string? warning));
        Assert.Null(warning);
    }

    [Fact]
    public void Hybrid_OnlyCpuBoundToV1_OnlySharesSkipped()
    {
        Controllers("io hugetlb");
        var kept = SoftWeights.Without(_mount, hybrid: true, Weights(512), out string? warning);
        Assert.Contains("linux.resources.cpu.shares (512)", warning);
        Assert.DoesNotContain("blockIO", warning);
        Assert.Equal((ushort)500, kept.BlockIo!.Weight);
        Assert.Null(kept.Cpu!.Shares);
    }

    [Fact]
    public void NoWeights_NoWarning_SameObject()
    {
        var r = new LinuxResources { Memory = new LinuxMemory { Limit = 1 << 20 }, Cpu = new LinuxCpu { Shares = 0 } };
        Assert.Same(r, SoftWeights.Without(_mount, hybrid: true, r, out string? warning));
        Assert.Null(warning);
    }

    [Fact]
    public void Unified_MissingCpu_OnlyV1DefaultSharesAreSkipped()
    {
        Controllers("memory pids");
        var kept = SoftWeights.Without(_mount, hybrid: false, new LinuxResources { Cpu = new LinuxCpu { Shares = 1024 } }, out string? warning);
        Assert.Null(kept.Cpu!.Shares);
        Assert.Contains("default", warning);

        var r = new LinuxResources { Cpu = new LinuxCpu { Shares = 512 }, BlockIo = new LinuxBlockIo { Weight = 100 } };
        Assert.Same(r, SoftWeights.Without(_mount, hybrid: false, r, out warning));
        Assert.Null(warning);
        var e = Assert.Throws<CgroupException>(() => CgroupControllers.EnsureAvailable(_mount, "/a", ResourceWriter.Plan(r)));
        Assert.Contains("controller is not available", e.Message);
    }

    [Fact]
    public void Copy_KeepsEveryOtherField()
    {
        // A field added to the spec types later must not be lost by the copy.
        var r = new LinuxResources
        {
            Devices = [], Memory = new(), Pids = new(), HugepageLimits = [], Network = new(), Rdma = new(), Unified = new(),
            Cpu = new LinuxCpu { Shares = 2, Quota = 1, Burst = 2, Period = 3, RealtimeRuntime = 4, RealtimePeriod = 5, Cpus = "0", Mems = "0", Idle = 1 },
            BlockIo = new LinuxBlockIo { Weight = 10, LeafWeight = 11, WeightDevice = [], ThrottleReadBpsDevice = [], ThrottleWriteBpsDevice = [], ThrottleReadIopsDevice = [], ThrottleWriteIopsDevice = [] },
        };
        var kept = SoftWeights.Without(_mount, hybrid: true, r, out _);
        foreach (var (a, b) in new (object, object)[] { (r, kept), (r.Cpu, kept.Cpu!), (r.BlockIo, kept.BlockIo!) })
            foreach (var p in a.GetType().GetProperties())
            {
                if (p.Name is "Shares" or "Weight" or "WeightDevice" or "Cpu" or "BlockIo") continue;
                Assert.True(Equals(p.GetValue(a), p.GetValue(b)), $"{a.GetType().Name}.{p.Name} not copied");
            }
    }
}
