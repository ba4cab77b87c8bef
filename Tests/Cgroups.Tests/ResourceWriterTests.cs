using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using OciRuntime.Spec.Config;

namespace OciRuntime.Cgroups.Tests;

public class ResourceWriterTests
{
    private static string[] Files(LinuxResources r, bool bfq = false) => ResourceWriter.Plan(r, bfq).Select(w => $"{w.File}={w.Value}").ToArray();

    [Property]
    public bool SharesToWeight_IsMonotonicAndInRange(ulong a, ulong b)
    {
        a = a % 300_000 + 1; b = b % 300_000 + 1;
        ulong wa = ResourceWriter.SharesToWeight(a), wb = ResourceWriter.SharesToWeight(b);
        return wa is >= 1 and <= 10000 && wb is >= 1 and <= 10000 && (a <= b ? wa <= wb : wa >= wb);
    }

    [Theory]
    [InlineData(2UL, 1UL)]
    [InlineData(1024UL, 39UL)]        // docker's default shares → runc's weight
    [InlineData(262144UL, 10000UL)]
    [InlineData(1UL, 1UL)]            // clamped to v1's minimum
    [InlineData(1UL << 40, 10000UL)]  // clamped to v1's maximum
    public void SharesToWeight_RuncFormula(ulong shares, ulong weight) => Assert.Equal(weight, ResourceWriter.SharesToWeight(shares));

    [Property]
    public bool BlkioWeight_IsMonotonicAndInRange(ushort a, ushort b)
    {
        if (a == 0 || b == 0) return true;
        ulong wa = ResourceWriter.BlkioToIoWeight(a), wb = ResourceWriter.BlkioToIoWeight(b);
        return wa is >= 1 and <= 10000 && wb is >= 1 and <= 10000 && (a <= b ? wa <= wb : wa >= wb);
    }

    [Theory]
    [InlineData((ushort)10, 1UL)]
    [InlineData((ushort)500, 4950UL)]
    [InlineData((ushort)1000, 10000UL)]
    public void BlkioWeight_RuncFormula(ushort w, ulong io) => Assert.Equal(io, ResourceWriter.BlkioToIoWeight(w));

    [Theory]
    [InlineData(0L, 0L, 0L)]
    [InlineData(0L, -1L, -1L)]          // unlimited memory, swap unset → unlimited swap
    [InlineData(-1L, 100L, -1L)]
    [InlineData(200L, 100L, 100L)]      // v1 memory+swap → v2 swap alone
    [InlineData(100L, 100L, 0L)]        // equal: no swap
    public void ConvertSwap_AsRunc(long swap, long memory, long expected) => Assert.Equal(expected, ResourceWriter.ConvertSwap(swap, memory));

    [Theory]
    [InlineData(100L, 0L)]
    [InlineData(100L, -1L)]
    [InlineData(50L, 100L)]
    public void ConvertSwap_Refuses(long swap, long memory) => Assert.Throws<CgroupException>(() => ResourceWriter.ConvertSwap(swap, memory));

    [Fact]
    public void EveryField_MapsToItsFile()
    {
        var r = new LinuxResources
        {
            Pids = new LinuxPids { Limit = 100 },
            Memory = new LinuxMemory { Limit = 1 << 20, Reservation = 1 << 19, Swap = 2 << 20, Swappiness = 10, Kernel = 5, KernelTcp = 6, DisableOomKiller = true, UseHierarchy = true },
            BlockIo = new LinuxBlockIo
            {
                Weight = 500,
                ThrottleReadBpsDevice = new() { new LinuxThrottleDevice { Major = 8, Minor = 0, Rate = 1000 } },
                ThrottleWriteBpsDevice = new() { new LinuxThrottleDevice { Major = 8, Minor = 0, Rate = 2000 } },
                ThrottleReadIopsDevice = new() { new LinuxThrottleDevice { Major = 8, Minor = 16, Rate = 30 } },
                ThrottleWriteIopsDevice = new() { new LinuxThrottleDevice { Major = 8, Minor = 16, Rate = 40 } },
            },
            Cpu = new LinuxCpu { Shares = 1024, Quota = 50000, Period = 100000, Burst = 1000, Idle = 0, Cpus = "0-1", Mems = "0" },
            HugepageLimits = new() { new LinuxHugepageLimit { PageSize = "2MB", Limit = 4 << 20 } },
            Rdma = new() { ["mlx5_1"] = new LinuxRdma { HcaHandles = 3, HcaObjects = 10000 } },
            Unified = new() { ["memory.high"] = "900000", ["cgroup.freeze"] = "0" },
        };
        Assert.Equal(new[]
        {
            "pids.max=100",
            "memory.swap.max=1048576", "memory.max=1048576", "memory.low=524288",
            "io.weight=4950", "io.max=8:0 rbps=1000", "io.max=8:0 wbps=2000", "io.max=8:16 riops=30", "io.max=8:16 wiops=40",
            "cpu.idle=0", "cpu.weight=39", "cpu.max.burst=1000", "cpu.max=50000 100000", "cpu.max.burst=1000",
            "cpuset.cpus=0-1", "cpuset.mems=0",
            "hugetlb.2MB.max=4194304", "hugetlb.2MB.rsvd.max=4194304",
            "rdma.max=mlx5_1 hca_handle=3 hca_object=10000",
            "cgroup.freeze=0", "memory.high=900000",
        }, Files(r));
        Assert.Equal(new[] { "cpu", "cpuset", "hugetlb", "io", "memory", "pids", "rdma" }, ResourceWriter.Controllers(ResourceWriter.Plan(r)));
    }

    [Fact]
    public void Bfq_GetsTheRawWeightAndPerDeviceWeights()
    {
        var r = new LinuxResources { BlockIo = new LinuxBlockIo { Weight = 300, WeightDevice = new() { new LinuxWeightDevice { Major = 8, Minor = 0, Weight = 50 } } } };
        Assert.Equal(new[] { "io.bfq.weight=300", "io.bfq.weight=8:0 50" }, Files(r, bfq: true));
        Assert.Throws<CgroupException>(() => Files(r, bfq: false)); // per-device weights need BFQ
    }

    [Theory]
    [InlineData(-1L, "max")]
    [InlineData(0L, "0")]    // config-linux.md: 0 is a real limit
    [InlineData(7L, "7")]
    public void Pids(long limit, string file) => Assert.Equal(new[] { "pids.max=" + file }, Files(new LinuxResources { Pids = new LinuxPids { Limit = limit } }));

    [Fact]
    public void Memory_UnlimitedAndSwapEdgeCases()
    {
        Assert.Equal(new[] { "memory.swap.max=max", "memory.max=max" }, Files(new LinuxResources { Memory = new LinuxMemory { Limit = -1 } }));
        Assert.Equal(new[] { "memory.swap.max=0", "memory.max=100" }, Files(new LinuxResources { Memory = new LinuxMemory { Limit = 100, Swap = 100 } }));
        Assert.Equal(new[] { "memory.max=100" }, Files(new LinuxResources { Memory = new LinuxMemory { Limit = 100 } }));
        Assert.Empty(Files(new LinuxResources { Memory = new LinuxMemory { Swappiness = 60, DisableOomKiller = true } }));
        Assert.True(ResourceWriter.Plan(new LinuxResources { Memory = new LinuxMemory { Limit = -1 } }).Single(w => w.File == "memory.swap.max").Optional);
    }

    [Fact]
    public void Cpu_QuotaAndPeriodAlone()
    {
        Assert.Equal(new[] { "cpu.max=max 50000" }, Files(new LinuxResources { Cpu = new LinuxCpu { Period = 50000 } }));
        Assert.Equal(new[] { "cpu.max=max 100000" }, Files(new LinuxResources { Cpu = new LinuxCpu { Quota = -1, Period = 100000 } }));
        Assert.Equal(new[] { "cpu.max=20000" }, Files(new LinuxResources { Cpu = new LinuxCpu { Quota = 20000 } }));
    }

    [Fact]
    public void Refused_RealtimeNetworkBadPageSizeEmptyRdma()
    {
        Assert.Contains("realtime", Assert.Throws<CgroupException>(() => Files(new LinuxResources { Cpu = new LinuxCpu { RealtimeRuntime = 950000 } })).Message);
        Assert.Contains("net_cls", Assert.Throws<CgroupException>(() => Files(new LinuxResources { Network = new LinuxNetwork { ClassId = 7 } })).Message);
        Assert.Throws<CgroupException>(() => Files(new LinuxResources { HugepageLimits = new() { new LinuxHugepageLimit { PageSize = "../2MB", Limit = 1 } } }));
        Assert.Throws<CgroupException>(() => Files(new LinuxResources { Rdma = new() { ["mlx"] = new LinuxRdma() } }));
        // Zero realtime values are "unset", as in runc.
        Assert.Empty(Files(new LinuxResources { Cpu = new LinuxCpu { RealtimePeriod = 0, RealtimeRuntime = 0 } }));
    }

    [Property]
    public Property UnifiedKeys_ThatLeaveTheDirAreRefused(NonEmptyString prefix, NonEmptyString suffix)
    {
        string[] bad = { prefix.Get + "/" + suffix.Get, "../" + suffix.Get, "/" + prefix.Get, ".", "..", "", "a\0.b" };
        return bad.All(k => Throws(k)).Label(string.Join(" | ", bad));
    }

    [Property]
    public bool UnifiedKeys_PlainNamesAreWrittenVerbatim(PositiveInt n)
    {
        string key = "memory.x" + n.Get;
        return Files(new LinuxResources { Unified = new() { [key] = "v" + n.Get } }).SequenceEqual(new[] { $"{key}=v{n.Get}" });
    }

    [Fact]
    public void UnifiedKeys_NeedControllerDotParameter() => Assert.True(Throws("memory") && Throws(".max") && Throws("memory."));

    private static bool Throws(string key)
    {
        try { ResourceWriter.Plan(new LinuxResources { Unified = new() { [key] = "1" } }); return false; }
        catch (CgroupException) { return true; }
    }

    [Fact]
    public void Controllers_OfCoreFilesAreNone()
    {
        Assert.Null(CgroupWrite.ControllerOf("cgroup.freeze"));
        Assert.Equal("memory", CgroupWrite.ControllerOf("memory.swap.max"));
    }
}
