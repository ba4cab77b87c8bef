using System;
using System.Globalization;
using OciRuntime.Cgroups;
using OciRuntime.Errors;
using OciRuntime.Native.Interop;
using OciRuntime.Spec.Config;
using OciRuntime.Spec.Loading;
using OciRuntime.Spec.Validation;
using OciRuntime.State;

namespace OciRuntime.Container;

/// <summary>
/// runtime.md "create": validate, make the state dir and exec.fifo under the id lock, start the
/// init (which builds the container and blocks on the fifo), record the state. A failure at any
/// point removes everything made so far: processes, state dir, lock file.
/// Crash safety: before anything exists outside the state dir, an intent record (state.json
/// with no pid, the cgroup path) is written, so a `delete --force` after this process was
/// killed finds and removes the cgroup; the init itself exits when the runtime dies before it
/// recorded the final state (every wait of the init ends on EOF of the sync socket).
/// </summary>
public static class ContainerCreator
{
    public static ContainerRecord Create(StateStore store, string id, CreateOptions opts)
    {
        PreservedFds.EnsureOpen(opts.PreserveFds);
        LoadedConfig loaded = ConfigLoader.Load(opts.Bundle);
        ConfigValidator.EnsureValid(loaded.Config);
        Logging.RuntimeLog.Debug($"create {id}: config {loaded.BundlePath}/config.json loaded and valid, rootfs {loaded.RootfsPath}");

        store.EnsureRoot();
        using IdLock idLock = IdLock.Acquire(store.Root, id);
        if (store.Exists(id)) throw new RuntimeException($"container \"{id}\" already exists");
        store.CreateDir(id);

        int fifoFd = -1, consoleFd = -1, cgroupFd = -1;
        SyncChannel? sync = null;
        IContainerCgroupDriver? cgroup = null;
        bool hooksStarted = false, sharedCgroup = false;
        ProcessSpawner.Spawned? spawned = null;
        HostMountRecord? hostMount = null;
        try
        {
            if (opts.NotifySocket is not null) Notify.NotifySocket.Prepare(store, id, loaded.Config);
            LinuxResources? resources = loaded.Config.Linux?.Resources;
            if (!opts.CgroupsDisabled)
                cgroup = CgroupDrivers.ForContainer(opts.SystemdCgroup, loaded.Config.Linux?.CgroupsPath, id, loaded.Config.Annotations);
            hostMount = Rootfs.HostMounts.Before(loaded.RootfsPath, loaded.Config.Linux);
            store.Save(IntentRecord(loaded, id, cgroup, hostMount));
            if (cgroup is CgroupfsDriver fs && !Rootless.RootlessCgroup.TryCreate(fs.Manager, opts.Rootless, loaded.Config.Linux?.CgroupsPath, resources))
            {
                cgroup = null;   // rootless, not delegated, and no limit asked for
                store.Save(IntentRecord(loaded, id, null, hostMount));
            }
            if (cgroup is not null)
            {
                // runc 1.1.5 warns and goes on (1.2 refuses); a failed create must then not
                // kill the processes that were there before it.
                int already = System.IO.Directory.Exists(cgroup.Dir) ? Cgroups.CgroupProcs.All(cgroup.Dir).Count : 0;
                if (already > 0)
                {
                    sharedCgroup = true;
                    Logging.RuntimeLog.Warning($"container's cgroup is not empty: {already} process(es) found");
                }
                foreach (string warning in DeviceRule.AccessWarnings(resources?.Devices))
                    Logging.RuntimeLog.Warning(warning);
                // A CgroupException names the setting and what to do; weights a hybrid host cannot apply are a warning.
                if (cgroup.Prepare(resources, deviceFilter: !opts.Rootless) is string skipped) Logging.RuntimeLog.Warning(skipped);
                Logging.RuntimeLog.Debug($"create {id}: cgroup {cgroup.Dir} prepared");
            }
            string fifo = store.FifoPath(id);
            if (Sys.Mkfifo(fifo, 0x192 /* 0622 */) < 0) throw new SyscallException($"mkfifo {fifo}", Sys.LastErrno);
            // Past the umask: a non-root process.user must be able to open it for writing (the
            // state dir itself is 0700, so only the init's O_PATH fd leads here).
            System.IO.File.SetUnixFileMode(fifo, System.IO.UnixFileMode.UserRead | System.IO.UnixFileMode.UserWrite | System.IO.UnixFileMode.GroupWrite | System.IO.UnixFileMode.OtherWrite);
            // O_PATH: the init holds no readable or writable fd into the state dir while it waits.
            fifoFd = Sys.Open(fifo, O.PATH | O.CLOEXEC, 0);
            if (fifoFd < 0) throw new SyscallException($"open {fifo}", Sys.LastErrno);
            if (opts.ConsoleSocket is { } cs)
            {
                if (loaded.Config.Process?.Terminal != true)
                    throw new RuntimeException("--console-socket given but process.terminal is false");
                consoleFd = UnixSocket.Connect(cs);
                if (consoleFd < 0) throw new RuntimeException(UnixSocket.ConnectError($"connect to --console-socket {cs}", -consoleFd));
            }
            else if (loaded.Config.Process?.Terminal == true)
            {
                // Foreground `run` proxies the pty itself; a detached container has nobody to.
                if (opts.ForegroundConsole is not { } foreground)
                    throw new RuntimeException("config.json: process.terminal: cannot allocate a tty for a detached container (create, run -d) without --console-socket: pass one, or use `run` in the foreground");
                consoleFd = foreground.TakeContainerEnd();
            }

            sync = SyncChannel.Create();
            var req = new InitRequest
            {
                Id = id,
                Config = loaded,
                ChildSyncFd = sync.ChildFd,
                ExecFifoFd = fifoFd,
                StateRoot = store.Root,
                ConsoleSocketFd = consoleFd,
                PreserveFds = opts.PreserveFds + ListenFds(),
                NoPivot = opts.NoPivot,
                NoNewKeyring = opts.NoNewKeyring,
                CgroupDir = cgroup?.Dir,
            };
            InitPlan plan = InitPlanBuilder.Build(req);
            cgroupFd = cgroup is { ClonesInto: true } ? Sys.Open(cgroup.Dir, O.RDONLY | O.DIRECTORY | O.CLOEXEC, 0) : -1;
            spawned = InitSpawner.Spawn(req, plan, sync, cgroupFd, cgroup is { } cg ? pid => cg.Place(pid, resources) : null,
                pid => { hooksStarted = true; RunCreateHooks(loaded, id, pid); });
            int initPid = spawned.Value.Pid;
            Logging.RuntimeLog.Debug($"create {id}: init {initPid} ran its plan and waits on exec.fifo");

            var record = new ContainerRecord
            {
                OciVersion = loaded.Config.OciVersion,
                Id = id,
                Pid = initPid,
                PidStartTime = ProcessIdentity.Read(initPid)?.StartTime ?? 0,
                Bundle = loaded.BundlePath,
                Rootfs = loaded.RootfsPath,
                Created = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffffK", CultureInfo.InvariantCulture),
                Owner = Sys.GetUid() == 0 ? "root" : Sys.GetUid().ToString(CultureInfo.InvariantCulture),
                Annotations = loaded.Config.Annotations,
                OwnPidNamespace = plan.Namespaces.NewPidNamespace,
                CgroupPath = cgroup?.Dir,
                SystemdUnit = cgroup?.SystemdUnit,
                Hooks = loaded.Config.Hooks,
                HostMount = hostMount,
            };
            if (hostMount is not null) Rootfs.HostMounts.Confirm(hostMount);
            if (loaded.Config.Hooks?.StartContainer is { Count: > 0 })
            {
                record.StartContainerProcess = loaded.Config.Process;
                record.StartContainerSeccomp = loaded.Config.Linux?.Seccomp;
                record.StartContainerSetgroups = InitPlanBuilder.SetgroupsAllowed(plan.Namespaces, loaded.Config.Linux, HostFacts.Probe());
            }
            store.Save(record);
            if (opts.PidFile is { } pf) PidFile.Write(pf, initPid);
            ProcessSpawner.Release(spawned.Value, plan.Plan, sync, loaded.Config.Process);
            Logging.RuntimeLog.Debug($"create {id}: state saved, created");
            return record;
        }
        catch
        {
            if (spawned is { } s)
            {
                Sys.Kill(s.Pid, Signals.SIGKILL);
                ProcessSpawner.Reap(s.Pid);
            }
            // The create hooks may have set things up (network, devices) that poststop undoes:
            // a failed create after them is a container that stopped, so poststop runs now.
            if (hooksStarted)
                Hooks.HookRunner.RunAllWarnOnly("poststop", loaded.Config.Hooks?.Poststop,
                    Hooks.HookState.Json(loaded.Config.OciVersion, id, "stopped", 0, loaded.BundlePath, loaded.Config.Annotations));
            // The init's mounts in the caller's namespace outlive it. If they cannot be detached,
            // the state stays, so that `delete --force` can try again.
            bool mountsGone = true;
            if (hostMount is not null)
            {
                try { Rootfs.HostMounts.Undo(hostMount); }
                catch (RuntimeException e)
                {
                    Logging.RuntimeLog.Warning(e.Message);
                    mountsGone = false;
                }
            }
            if (!sharedCgroup) cgroup?.Destroy(TimeSpan.FromSeconds(5));
            if (mountsGone)
            {
                store.Remove(id);
                idLock.Unlink();
            }
            throw;
        }
        finally
        {
            sync?.Dispose();
            if (fifoFd >= 0) Sys.Close(fifoFd);
            if (consoleFd >= 0) Sys.Close(consoleFd);
            if (cgroupFd >= 0) Sys.Close(cgroupFd);
        }
    }

    /// <summary>
    /// runtime.md "Lifecycle" step 5-6: prestart and createRuntime in the runtime's namespaces,
    /// then createContainer in the container's, while the init waits with its rootfs mounted.
    /// </summary>
    private static void RunCreateHooks(LoadedConfig loaded, string id, int pid)
    {
        var h = loaded.Config.Hooks;
        if (h?.Prestart is not { Count: > 0 } && h?.CreateRuntime is not { Count: > 0 } && h?.CreateContainer is not { Count: > 0 }) return;
        byte[] state = Hooks.HookState.Json(loaded.Config.OciVersion, id, "creating", pid, loaded.BundlePath, loaded.Config.Annotations);
        // Working directories as runc's: it runs in the bundle, and its init enters the rootfs
        // (mounted, not yet pivoted) before the createContainer hooks.
        Hooks.HookRunner.RunAll("prestart", h?.Prestart, state, cwd: loaded.BundlePath);
        Hooks.HookRunner.RunAll("createRuntime", h?.CreateRuntime, state, cwd: loaded.BundlePath);
        Hooks.HookRunner.RunAll("createContainer", h?.CreateContainer, state, joinPid: pid, cwd: loaded.RootfsPath);
    }

    /// <summary>What `delete --force` needs if this process dies before the real record exists.</summary>
    private static ContainerRecord IntentRecord(LoadedConfig loaded, string id, IContainerCgroupDriver? cgroup, HostMountRecord? hostMount) => new()
    {
        HostMount = hostMount,
        OciVersion = loaded.Config.OciVersion,
        Id = id,
        Pid = 0, // no process yet: the container reads as stopped, and `delete` removes the rest
        Bundle = loaded.BundlePath,
        Rootfs = loaded.RootfsPath,
        Created = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffffK", CultureInfo.InvariantCulture),
        Owner = Sys.GetUid() == 0 ? "root" : Sys.GetUid().ToString(CultureInfo.InvariantCulture),
        CgroupPath = cgroup?.Dir,
        SystemdUnit = cgroup?.SystemdUnit,
    };

    /// <summary>Socket activation: LISTEN_FDS fds after stdio pass through, as in runc.</summary>
    private static int ListenFds()
    {
        string? v = Environment.GetEnvironmentVariable("LISTEN_FDS");
        return int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0 ? n : 0;
    }
}
