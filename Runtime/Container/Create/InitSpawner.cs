using System;
using System.IO;
using OciRuntime.Errors;
using OciRuntime.Native.Interop;

namespace OciRuntime.Container;

/// <summary>
/// Starts the container's init: the parent writes the uid/gid maps, oom_score_adj and the
/// cgroup placement before the child runs, runs the create hooks when the child pauses for
/// them, relays the seccomp listener fd, and returns once the init waits for `start`.
/// </summary>
public static class InitSpawner
{
    public static ProcessSpawner.Spawned Spawn(InitRequest req, InitPlan init, SyncChannel sync, int cgroupFd, Action<int>? placeInCgroup, Action<int>? runCreateHooks = null)
    {
        var linux = req.Config.Config.Linux;
        bool sourcesSent = false;
        if (init.Namespaces.MapsBeforeGo && IdMapWriter.NeedsDumpableChild()) init.Plan.Flags |= Native.Plan.ProcessPlan.DumpableUntilGo;
        // After setns the child is in namespaces a container can see: it may never be dumpable
        // there, so nobody without privilege could write its maps (runc refuses this too).
        if (init.Namespaces.MapsAfterUnshare && IdMapWriter.NeedsDumpableChild())
            throw new RuntimeException("config.json: linux.namespaces: an unprivileged runtime cannot create a user namespace while joining other namespaces by path: join the user namespace too (give its path), or create every namespace anew");
        var handlers = new SpawnHandlers
        {
            BeforeGo = pid =>
            {
                if (init.Namespaces.MapsBeforeGo) IdMapWriter.Write(pid, linux);
                if (req.Config.Config.Process?.OomScoreAdj is int adj) WriteOomScoreAdj(pid, adj);
            },
            CgroupFd = cgroupFd,
            PlaceInCgroup = placeInCgroup,
            OnMaps = pid => IdMapWriter.Write(pid, linux),
            OnHooks = runCreateHooks,
            OnMountSources = pid => { sourcesSent = true; Rootfs.BindSources.Send(pid, init.BindSources, init.BindSourceSocket); },
            OnFd = (pid, fd) => SeccompListener.Send(linux?.Seccomp ?? new Spec.Config.LinuxSeccomp(), fd, pid, req.Id, req.Config),
            Process = req.Config.Config.Process,
        };
        try { return ProcessSpawner.Spawn(init.Plan, init.Namespaces.CloneFlags, sync, init.ParentFdsForChild, handlers); }
        finally
        {
            // BindSources.Send owns it once called; an init that failed before asking never got there.
            if (!sourcesSent && init.BindSourceSocket >= 0) Sys.Close(init.BindSourceSocket);
        }
    }

    /// <summary>process.oomScoreAdj, for the init and (as runc does) every exec'd process.</summary>
    public static void WriteOomScoreAdj(int pid, int adj)
    {
        if (HostProcfs.Write(pid, "oom_score_adj", adj.ToString(System.Globalization.CultureInfo.InvariantCulture)) is string failure)
            throw new RuntimeException($"config.json: process.oomScoreAdj: {failure} (lowering it needs CAP_SYS_RESOURCE)");
    }
}
