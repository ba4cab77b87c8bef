using System;
using System.IO;
using OciRuntime.Spec.Config;

namespace OciRuntime.Cgroups;

/// <summary>The default driver: the runtime makes and configures the cgroup directory itself (docs/cgroups.md).</summary>
public sealed class CgroupfsDriver : IContainerCgroupDriver
{
    private readonly CgroupV2Manager _cgroup;

    public CgroupfsDriver(CgroupV2Manager cgroup) => _cgroup = cgroup;

    /// <summary>The directory manager itself (rootless create decides whether it may be created at all).</summary>
    public CgroupV2Manager Manager => _cgroup;

    public string Dir => _cgroup.Dir;
    public string? SystemdUnit => null;
    public bool ClonesInto => true;

    public string? Prepare(LinuxResources? resources, bool deviceFilter = true)
    {
        try { _cgroup.Create(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CgroupException($"config.json: linux.cgroupsPath: cannot create cgroup {Dir}: {e.Message}", e);
        }
        // A process started in a frozen cgroup stops at once: create would wait forever.
        if (CgroupFreezer.IsFreezeRequested(Dir) || CgroupFreezer.IsFrozen(Dir))
            throw new CgroupException($"container's cgroup unexpectedly frozen: {Dir} (thaw it, or an ancestor, with cgroup.freeze = 0)");
        return _cgroup.Apply(resources, deviceFilter); // a CgroupException names the setting and what to do
    }

    /// <summary>Only where the kernel refused CLONE_INTO_CGROUP.</summary>
    public void Place(int pid, LinuxResources? resources) => _cgroup.AddProcess(pid);

    public void Destroy(TimeSpan timeout) => _cgroup.Destroy(timeout);
}
