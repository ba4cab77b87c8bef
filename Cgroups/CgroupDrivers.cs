namespace OciRuntime.Cgroups;

/// <summary>Picks the container's cgroup driver from the global flags (--systemd-cgroup / --cgroup-manager).</summary>
public static class CgroupDrivers
{
    /// <summary>Null when the host has no cgroup v2 mount (the container then runs without a cgroup, as before).</summary>
    /// <param name="annotations">Read by the systemd driver only (org.systemd.property.*), as runc does.</param>
    public static IContainerCgroupDriver? ForContainer(bool systemd, string? cgroupsPath, string id, System.Collections.Generic.IReadOnlyDictionary<string, string>? annotations = null)
    {
        if (systemd) return Systemd.SystemdScope.ForContainer(cgroupsPath, id, annotations);
        return CgroupV2Manager.ForContainer(cgroupsPath, id) is { } m ? new CgroupfsDriver(m) : null;
    }
}
