using System.IO;

namespace OciRuntime.State;

/// <summary>runtime.md "State": creating, created, running, stopped (and paused, from the cgroup).</summary>
public enum ContainerStatus
{
    Creating,
    Created,
    Running,
    Paused,
    Stopped,
}

public static class ContainerStatusReader
{
    public static ContainerStatus Read(StateStore store, ContainerRecord r)
    {
        if (r.Pid <= 0) return ContainerStatus.Stopped;
        if (!ProcessIdentity.IsAlive(r.Pid, r.PidStartTime)) return ContainerStatus.Stopped;
        if (!r.Started && File.Exists(store.FifoPath(r.Id))) return ContainerStatus.Created;
        if (r.CgroupPath is not null && IsFrozen(r.CgroupPath)) return ContainerStatus.Paused;
        return ContainerStatus.Running;
    }

    private static bool IsFrozen(string cgroup)
    {
        try { return File.ReadAllText(Path.Combine(cgroup, "cgroup.freeze")).Trim() == "1"; }
        catch (IOException) { return false; }
    }

    public static string Name(ContainerStatus s) => s switch
    {
        ContainerStatus.Creating => "creating",
        ContainerStatus.Created => "created",
        ContainerStatus.Running => "running",
        ContainerStatus.Paused => "paused",
        _ => "stopped",
    };
}
