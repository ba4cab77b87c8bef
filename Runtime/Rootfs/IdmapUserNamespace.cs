using System.Collections.Generic;
using OciRuntime.Container;
using OciRuntime.Errors;
using OciRuntime.Native.Interop;
using OciRuntime.Native.Plan;
using OciRuntime.Spec.Config;

namespace OciRuntime.Rootfs;

/// <summary>
/// An idmapped mount (mounts[].uidMappings/gidMappings) needs a user namespace that carries the
/// mapping: mount_setattr(MOUNT_ATTR_IDMAP) takes its fd. A short-lived child is cloned into a
/// new user namespace (through the C helper, like every child), the parent writes its maps and
/// keeps an fd to /proc/&lt;pid&gt;/ns/user, then the child is killed: the fd keeps the namespace.
/// </summary>
public static class IdmapUserNamespace
{
    public static int Create(List<LinuxIdMapping>? uids, List<LinuxIdMapping>? gids, string where)
    {
        using var sync = SyncChannel.Create();
        var plan = new ProcessPlan();
        plan.Op(PlanOp.SyncSend, "report the maps written", (long)PlanMessageType.Ready);
        plan.Op(PlanOp.SyncWait, "hold the user namespace until the runtime has its fd");
        var linux = new LinuxSpec { UidMappings = uids, GidMappings = gids };
        var spawned = ProcessSpawner.Spawn(plan, Clone.NEWUSER, sync, new List<int>(),
            new SpawnHandlers { BeforeGo = pid => IdMapWriter.Write(pid, linux, denySetgroups: true), What = $"user namespace for the idmapped mount {where}" });
        try
        {
            int fd = Sys.Open($"/proc/{spawned.Pid}/ns/user", O.RDONLY | O.CLOEXEC, 0);
            if (fd < 0) throw new SyscallException($"{where}: open the idmap user namespace", Sys.LastErrno);
            return fd;
        }
        finally
        {
            Sys.Kill(spawned.Pid, Signals.SIGKILL);
            ProcessSpawner.Reap(spawned.DirectChild);
        }
    }

    /// <summary>One namespace fd per mount that asks for an idmapping, keyed by mount index.</summary>
    public static Dictionary<int, int> ForMounts(List<MountSpec>? mounts)
    {
        var fds = new Dictionary<int, int>();
        if (mounts is null) return fds;
        try
        {
            for (int i = 0; i < mounts.Count; i++)
            {
                MountSpec m = mounts[i];
                if (m.UidMappings is not { Count: > 0 } && m.GidMappings is not { Count: > 0 }) continue;
                fds[i] = Create(m.UidMappings, m.GidMappings, $"mounts[{i}]");
            }
        }
        catch
        {
            foreach (int fd in fds.Values) Sys.Close(fd);
            throw;
        }
        return fds;
    }
}
