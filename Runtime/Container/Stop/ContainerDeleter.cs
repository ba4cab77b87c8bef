using OciRuntime.Errors;
using OciRuntime.Native.Interop;
using OciRuntime.State;

namespace OciRuntime.Container;

/// <summary>
/// runtime.md "delete": only a stopped (or never started) container, unless --force, which kills
/// it first. Removes everything create made. A missing container is an error, except with
/// --force, where it is success (containerd runs `delete --force` after `delete`).
/// </summary>
public static class ContainerDeleter
{
    public static void Delete(StateStore store, string id, bool force)
    {
        using IdLock? idLock = IdLock.TryAcquireExisting(store, id);
        if (idLock is null)
        {
            if (!force) throw RuntimeException.NotExists(id);
            RemoveStaleLock(store, id);
            return;
        }
        ContainerRecord? r = store.TryLoad(id);
        if (r is null)
        {
            // A state dir without state.json: a create that crashed midway. Nothing runs; clean up.
            store.Remove(id);
            idLock.Unlink();
            return;
        }
        ContainerStatus status = ContainerStatusReader.Read(store, r);
        Logging.RuntimeLog.Debug($"delete {id}: status {ContainerStatusReader.Name(status)}, init {r.Pid}{(force ? ", --force" : "")}");
        switch (status)
        {
            case ContainerStatus.Stopped:
                break;
            case ContainerStatus.Created:
                // A created container never ran the user's process: delete may end it (runc does).
                KillAndWait(r);
                break;
            default:
                if (!force)
                    throw new RuntimeException($"cannot delete container {id} that is not stopped: {ContainerStatusReader.Name(status)}");
                KillAndWait(r);
                break;
        }
        RunPoststopOnce(store, r);
        if (r.HostMount is { } hostMount) Rootfs.HostMounts.Undo(hostMount);
        if (r.CgroupPath is { } unitDir && r.SystemdUnit is { } unit)
            Cgroups.Systemd.SystemdScope.Stop(unit, unitDir, System.TimeSpan.FromSeconds(10));
        else if (r.CgroupPath is { } dir)
        {
            int others = OnlyItsInit(r) ? Cgroups.CgroupProcs.All(dir).Count : 0;
            if (others == 0) Cgroups.CgroupV2Manager.DestroyDir(dir, System.TimeSpan.FromSeconds(10));
            else Logging.RuntimeLog.Warning($"cgroup {dir} is left in place: it still has {others} process(es) of another container sharing its cgroupsPath");
        }
        store.Remove(id);
        idLock.Unlink();
        Logging.RuntimeLog.Debug($"delete {id}: processes gone, cgroup and state removed");
    }

    /// <summary>
    /// A delete killed after it removed the state dir leaves only the lock file: `delete --force`
    /// removes it too, under the lock, so nothing of the id is left.
    /// </summary>
    private static void RemoveStaleLock(StateStore store, string id)
    {
        if (!System.IO.File.Exists(System.IO.Path.Combine(store.Root, id + ".lock"))) return;
        using IdLock idLock = IdLock.Acquire(store.Root, id);
        if (!store.Exists(id)) idLock.Unlink();
    }

    /// <summary>
    /// poststop runs exactly once: the record says so before the hooks start, so a delete retried
    /// after a crash does not run them again. Failures are warnings (runtime.md "Lifecycle" step 12).
    /// </summary>
    private static void RunPoststopOnce(StateStore store, ContainerRecord r)
    {
        if (r.PoststopRan || r.Hooks?.Poststop is not { Count: > 0 } hooks) return;
        r.PoststopRan = true;
        store.Save(r);
        Hooks.HookRunner.RunAllWarnOnly("poststop", hooks, Hooks.HookState.Json(r.OciVersion, r.Id, "stopped", 0, r.Bundle, r.Annotations));
    }

    /// <summary>
    /// With its own pid namespace every process of the container dies with its init, so whatever is
    /// still in its cgroup then belongs to another container given the same cgroupsPath (runc 1.1.5
    /// allows that, with a warning, and leaves them alone too). Without one, the cgroup is all that
    /// tells the container's processes apart, and everything in it is killed, as runc does.
    /// </summary>
    private static bool OnlyItsInit(ContainerRecord r) => r.OwnPidNamespace && r.Pid > 0;

    private static void KillAndWait(ContainerRecord r)
    {
        if (!OnlyItsInit(r) && r.CgroupPath is { } cg && !Cgroups.CgroupV2Manager.KillAll(cg))
            foreach (int pid in ContainerKiller.CgroupPids(cg)) Sys.Kill(pid, Signals.SIGKILL);
        Sys.Kill(r.Pid, Signals.SIGKILL);
        if (!ContainerKiller.WaitGone(r, 10_000))
            throw new RuntimeException($"container init {r.Pid} did not die after SIGKILL within 10s");
    }
}
