using System.Diagnostics;
using OciRuntime.Spec.Config;

namespace OciRuntime.Cgroups.Tests;

/// <summary>
/// Against the running kernel (as root, on the cgroup v2 mount, hybrid or not): the verifier
/// accepts the device programs, attaching and replacing keeps exactly one program on the
/// cgroup, the filter really denies an open, and the freezer freezes. Each test uses its own
/// top-level cgroup and removes it.
/// </summary>
public sealed class KernelTests : IDisposable
{
    private readonly string _mount = CgroupMount.FindUnified() ?? throw new InvalidOperationException("no cgroup2 mount in /proc/self/mountinfo");
    private readonly string _dir;
    private readonly List<Process> _procs = new();

    public KernelTests()
    {
        _dir = Path.Combine(_mount, $"oci-cgtest-unit-{Environment.ProcessId}-{Guid.NewGuid():N}"[..40]);
        Directory.CreateDirectory(_dir);
    }

    public void Dispose()
    {
        foreach (var p in _procs) { try { p.Kill(); p.WaitForExit(); } catch (InvalidOperationException) { } }
        try { File.WriteAllText(Path.Combine(_dir, "cgroup.freeze"), "0"); } catch (IOException) { }
        CgroupV2Manager.DestroyDir(_dir, TimeSpan.FromSeconds(5));
    }

    private static List<BpfInsn> DefaultProgram() =>
        DeviceFilter.Compile(DeviceRule.ForContainer(new List<LinuxDeviceCgroup> { new() { Allow = false, Access = "rwm" } }));

    [Fact]
    public void Verifier_AcceptsTheDefaultAndABlacklistProgram()
    {
        foreach (var prog in new[]
        {
            DefaultProgram(),
            DeviceFilter.Compile(DeviceRule.ForContainer(new List<LinuxDeviceCgroup> { new() { Allow = true, Access = "rwm" }, new() { Allow = false, Type = "c", Major = 1, Minor = 1, Access = "rwm" } })),
        })
        {
            int fd = OciRuntime.Native.Interop.Bpf.LoadCgroupDeviceProgram(BpfInsn.ToBytes(prog), "Apache", out string log);
            Assert.True(fd >= 0, $"load failed: errno {-fd}; {log}");
            OciRuntime.Native.Interop.Sys.Close(fd);
        }
    }

    [Fact]
    public void Install_AttachesOnce_AndReplacesOnUpdate()
    {
        DeviceFilterInstaller.Install(_dir, DefaultProgram());
        uint[] first = DeviceFilterInstaller.Attached(_dir);
        Assert.Single(first);
        DeviceFilterInstaller.Install(_dir, DefaultProgram());
        uint[] second = DeviceFilterInstaller.Attached(_dir);
        Assert.Single(second);
        Assert.NotEqual(first[0], second[0]);
    }

    [Fact]
    public void Filter_DeniesOpenOfDevMem_AllowsDevNull()
    {
        var m = new CgroupV2Manager(_mount, _dir.Substring(_mount.TrimEnd('/').Length));
        m.Apply(null);
        string script = "head -c1 /dev/mem >/dev/null 2>&1 && echo mem-open || echo mem-denied; echo x > /dev/null && echo null-ok";
        var psi = new ProcessStartInfo("/bin/sh", new[] { "-c", $"echo $$ > {_dir}/cgroup.procs; {script}" }) { RedirectStandardOutput = true };
        using var p = Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.Equal("mem-denied\nnull-ok\n", output);
    }

    [Fact]
    public void Freeze_Thaw()
    {
        var p = Process.Start(new ProcessStartInfo("/bin/sleep", "60"))!;
        _procs.Add(p);
        File.WriteAllText(Path.Combine(_dir, "cgroup.procs"), p.Id.ToString());
        CgroupFreezer.Freeze(_dir, TimeSpan.FromSeconds(10));
        Assert.True(CgroupFreezer.IsFrozen(_dir));
        Assert.True(CgroupFreezer.IsFreezeRequested(_dir));
        CgroupFreezer.Thaw(_dir, TimeSpan.FromSeconds(10));
        Assert.False(CgroupFreezer.IsFrozen(_dir));
        Assert.Equal(new[] { p.Id }, CgroupProcs.All(_dir));
        Assert.True(CgroupV2Manager.KillAll(_dir));
        Assert.True(p.WaitForExit(5000));
    }

    [Fact]
    public void Apply_OnThisHost_RefusesOnlyUnavailableControllers()
    {
        var m = new CgroupV2Manager(_mount, _dir.Substring(_mount.TrimEnd('/').Length));
        var have = CgroupControllers.Read(Path.Combine(_mount, "cgroup.controllers"));
        var r = new LinuxResources { Memory = new LinuxMemory { Limit = 64 << 20 } };
        if (have.Contains("memory")) { m.Apply(r); Assert.Equal("67108864", File.ReadAllText(Path.Combine(_dir, "memory.max")).Trim()); }
        else
        {
            var e = Assert.Throws<CgroupException>(() => m.Apply(r));
            Assert.Contains("memory controller is not available", e.Message);
            Assert.Contains(CgroupMount.IsPureV2(_mount) ? "unified" : "hybrid", e.Message);
            Assert.Empty(DeviceFilterInstaller.Attached(_dir)); // refused before anything was changed
        }
    }
}
