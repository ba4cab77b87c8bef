namespace OciRuntime.Cgroups;

/// <summary>Picks the container's cgroup driver from the global flags (--systemd-cgroup / --cgroup-manager).</summary>
public static class CgroupDrivers
{
    /// <summary>Null when the host has no cgroup v2 mount (the container then runs without a cgroup, as before).</summary>
    public static IContainerCgroupDriver? ForContainer(bool systemd, string? cgroupsPath, string id)
    {
        if (systemd) return Systemd.SystemdScope.ForContainer(cgroupsPath, id);
        return CgroupV2Manager.ForContainer(cgroupsPath, id) is { } m ? new CgroupfsDriver(m) : null;
    }
}
