using OciRuntime.Cgroups.Systemd;
using OciRuntime.Spec.Config;

namespace OciRuntime.Cgroups.Tests;

/// <summary>The systemd driver's pure parts: cgroupsPath parsing as runc 1.1.5, unit properties, D-Bus marshalling.</summary>
public class SystemdDriverTests
{
    [Theory]
    [InlineData(null, "c1", "system.slice", "runc-c1.scope", "/system.slice/runc-c1.scope")]
    [InlineData("", "c1", "system.slice", "runc-c1.scope", "/system.slice/runc-c1.scope")]
    [InlineData("system.slice:docker:abc", "x", "system.slice", "docker-abc.scope", "/system.slice/docker-abc.scope")]
    [InlineData(":cri-containerd:abc", "x", "system.slice", "cri-containerd-abc.scope", "/system.slice/cri-containerd-abc.scope")]
    [InlineData("machine.slice::abc", "x", "machine.slice", "-abc.scope", "/machine.slice/-abc.scope")]
    [InlineData("kubepods-besteffort-pod123.slice:cri-containerd:abc", "x", "kubepods-besteffort-pod123.slice", "cri-containerd-abc.scope",
        "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod123.slice/cri-containerd-abc.scope")]
    [InlineData("-.slice:p:n", "x", "-.slice", "p-n.scope", "/p-n.scope")]
    public void Parse_AsRunc(string? path, string id, string slice, string unit, string cgroup)
    {
        SystemdUnitName n = SystemdUnitName.Parse(path, id);
        Assert.Equal(slice, n.Slice);
        Assert.Equal(unit, n.Unit);
        Assert.Equal(cgroup, n.CgroupPath);
    }

    /// <summary>Rootless (the user's manager): runc's default and empty slice is user.slice, relative to the manager's own cgroup.</summary>
    [Theory]
    [InlineData(null, "user.slice", "/user.slice/runc-c1.scope")]
    [InlineData(":oci:c1", "user.slice", "/user.slice/oci-c1.scope")]
    [InlineData("app.slice:oci:c1", "app.slice", "/app.slice/oci-c1.scope")]
    public void Parse_UserManagerDefaultSlice(string? path, string slice, string cgroup)
    {
        SystemdUnitName n = SystemdUnitName.Parse(path, "c1", "user.slice");
        Assert.Equal(slice, n.Slice);
        Assert.Equal(cgroup, n.CgroupPath);
    }

    [Theory]
    [InlineData("/kubepods/besteffort/pod1/abc", "slice:prefix:name")]
    [InlineData("a:b", "slice:prefix:name")]
    [InlineData("a.slice:b:c:d", "slice:prefix:name")]
    [InlineData("system:p:n", "invalid slice name")]
    [InlineData("a--b.slice:p:n", "invalid slice name")]
    [InlineData("a/b.slice:p:n", "invalid slice name")]
    [InlineData("system.slice:p:", "name part")]
    [InlineData("system.slice:p:x.slice", "not the slice")]
    [InlineData("system.slice:p:a b", "does not allow")]
    public void Parse_Refuses(string path, string why)
    {
        var e = Assert.Throws<CgroupException>(() => SystemdUnitName.Parse(path, "id"));
        Assert.Contains(why, e.Message);
        Assert.StartsWith("linux.cgroupsPath", e.Message);
    }

    [Fact]
    public void ScopeProperties_CarryThePidDelegationAndResources()
    {
        var r = new LinuxResources
        {
            Memory = new LinuxMemory { Limit = 67108864 },
            Cpu = new LinuxCpu { Shares = 2048, Quota = 50000, Period = 100000, Cpus = "0-2,9" },
            Pids = new LinuxPids { Limit = 50 },
        };
        var p = UnitProperties.ForScope("system.slice", "oci-runtime container c1", 4242, r).Select(x => x.Describe()).ToList();
        Assert.Contains("Slice=system.slice", p);
        Assert.Contains("Delegate=yes", p);
        Assert.Contains("PIDs=4242", p);
        Assert.Contains("DefaultDependencies=no", p);
        Assert.Contains("MemoryMax=67108864", p);
        Assert.Contains("CPUWeight=79", p);
        Assert.Contains("TasksMax=50", p);
        Assert.Contains("CPUQuotaPeriodUSec=100000", p);
        Assert.Contains("CPUQuotaPerSecUSec=500000", p);
        Assert.Equal(new byte[] { 0b0000_0111, 0b0000_0010 }, UnitProperties.Bitmask("0-2,9"));
    }

    [Theory]
    [InlineData("max", ulong.MaxValue)]
    [InlineData("33333 100000", 340000UL)] // 333.33 ms/s rounded up to 1% as runc does
    [InlineData("200000 1000000", 200000UL)]
    public void CpuMax_ToQuotaPerSec(string cpuMax, ulong perSec)
    {
        var p = UnitProperties.ForResources(new[] { new CgroupWrite("cpu.max", cpuMax, "linux.resources.cpu.quota") });
        Assert.Equal(perSec, Assert.Single(p.OfType<UnitProperty.UInt64>(), x => x.Name == "CPUQuotaPerSecUSec").Value);
    }

    [Fact]
    public void Limits_MaxIsInfinity_UnknownFilesAreFileOnly()
    {
        var p = UnitProperties.ForResources(new[]
        {
            new CgroupWrite("memory.max", "max", "s"), new CgroupWrite("pids.max", "max", "s"),
            new CgroupWrite("io.max", "8:0 rbps=1", "s"), new CgroupWrite("hugetlb.2MB.max", "0", "s"),
        }).Select(x => x.Describe()).ToList();
        Assert.Equal(new[] { "MemoryMax=infinity", "TasksMax=infinity" }, p);
    }

    [Fact]
    public void Writer_MarshalsAStructArrayWithVariantsAsTheWireWants()
    {
        var w = new DBusWriter();
        w.String("a");                      // 0: len 1, 'a', NUL → 6 bytes
        var arr = w.BeginArray(8);          // pad to 8, len at 8, elements start at 16
        w.BeginStruct();
        w.String("PIDs");                   // 16: 4 + 4 + 1 = 25
        w.Signature("au");                  // 25: 1 + 2 + 1 = 29
        var inner = w.BeginArray(4);        // pad to 32, len at 32, elements at 36
        w.UInt32(7);                        // 36..40
        w.EndArray(inner);
        w.EndArray(arr);
        byte[] b = w.ToArray();
        Assert.Equal(40, b.Length);
        Assert.Equal(24u, BitConverter.ToUInt32(b, 8));   // outer array: bytes 16..40
        Assert.Equal(4u, BitConverter.ToUInt32(b, 32));   // inner array: one uint32
        Assert.Equal(7u, BitConverter.ToUInt32(b, 36));
        Assert.Equal((byte)2, b[25]);
        Assert.Equal("au", System.Text.Encoding.ASCII.GetString(b, 26, 2));

        var r = new DBusReader(b);
        Assert.Equal("a", r.String());
        Assert.Equal(24u, r.UInt32());
        r.Align(8);
        Assert.Equal("PIDs", r.String());
        Assert.Equal("au", r.Signature());
    }

    [Fact]
    public void EmptyArrayOfStructs_StillPadsToItsElementAlignment()
    {
        var w = new DBusWriter();
        w.String("replace");                // 0..12
        w.EndArray(w.BeginArray(8));        // len at 12, pad to 16, no elements
        Assert.Equal(16, w.Length);
        Assert.Equal(0u, BitConverter.ToUInt32(w.ToArray(), 12));
    }
}
