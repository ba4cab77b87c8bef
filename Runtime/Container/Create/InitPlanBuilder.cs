using System;
using System.Collections.Generic;
using OciRuntime.Errors;
using OciRuntime.Native.Interop;
using OciRuntime.Native.Plan;
using OciRuntime.Process;
using OciRuntime.Rootfs;
using OciRuntime.Spec.Config;

namespace OciRuntime.Container;

/// <summary>
/// Compiles config.json into the init's plan, in runtime.md's order: namespaces, the rootfs
/// (mounts, /dev, masked/readonly paths, pivot_root), hostname, terminal, cwd, rlimits, closing
/// every fd the container must not see, uid/gid and capabilities, no_new_privs, the argv[0]
/// lookup, then "ready", the wait on exec.fifo for `start`, and execve.
/// See docs/architecture.md for the diagram.
/// </summary>
public static class InitPlanBuilder
{
    /// <summary>The parent's resources a plan refers to by number, opened before it is composed.</summary>
    /// <param name="BindSourceSocket">The init's end of the bind-source socket pair (BindSources), or -1.</param>
    public sealed record ParentFds(List<(string Type, int Fd)> Joins, IReadOnlyDictionary<int, int> Idmaps, int MaskNullSource, int BindSourceSocket = -1);

    /// <summary>The edge: probes the host, opens the parent's fds, compiles seccomp, then composes the plan.</summary>
    public static InitPlan Build(InitRequest req)
    {
        OciConfig c = req.Config.Config;
        NamespacePlanner ns = Prepare(c, out ProcessSpec p);
        bool ownMountNs = OwnMountNamespace(ns);
        HostFacts host = HostFacts.Probe();
        LsmPlanner.Check(p, c.Linux, host);
        List<(string Type, int Fd)> joinFds = ns.OpenJoinFds();
        Dictionary<int, int> idmapFds = new();
        int maskNullFd = -1;
        List<(string Source, string Where)> bindSources = new();
        (int Init, int Helper) sourceSockets = (-1, -1);
        ProcessPlan plan;
        try
        {
            // Only a runtime with more privilege than the container's root needs the fds: an
            // unprivileged one could not enter the container's mount namespace to open them, and
            // every source it could open there it can open as itself anyway (RootlessMode.Detect's
            // test, from the facts probed above rather than a second read of /proc/self/uid_map).
            bool privileged = host.Uid == 0 && !host.InUserNamespace;
            if (InUserNamespace(ns) && ownMountNs && privileged)
            {
                bindSources = BindSources.Of(c.Mounts, req.Config.BundlePath);
                if (bindSources.Count > 0) sourceSockets = BindSources.SocketPair();
            }
            idmapFds = Rootfs.IdmapUserNamespace.ForMounts(c.Mounts);
            maskNullFd = PathMaskPlanner.OpenNullSource(c.Linux?.MaskedPaths);
            plan = Compose(req, ns, host, new ParentFds(joinFds, idmapFds, maskNullFd, sourceSockets.Init),
                SeccompPlanner.Compile(c.Linux?.Seccomp, req.StateRoot), CgroupFallback(c, ns, req.CgroupDir));
        }
        catch
        {
            foreach (var (_, fd) in joinFds) Sys.Close(fd);
            foreach (int fd in idmapFds.Values) Sys.Close(fd);
            if (maskNullFd >= 0) Sys.Close(maskNullFd);
            if (sourceSockets.Init >= 0) { Sys.Close(sourceSockets.Init); Sys.Close(sourceSockets.Helper); }
            throw;
        }
        var parentFds = new List<int>(idmapFds.Values);
        if (maskNullFd >= 0) parentFds.Add(maskNullFd);
        if (sourceSockets.Init >= 0) parentFds.Add(sourceSockets.Init);
        foreach (var (_, fd) in joinFds) parentFds.Add(fd);
        return new InitPlan
        {
            Plan = plan, Namespaces = ns, ParentFdsForChild = parentFds, OwnMountNamespace = ownMountNs,
            BindSources = bindSources, BindSourceSocket = sourceSockets.Helper,
        };
    }

    /// <summary>The checks that need nothing but the config, and the namespace plan.</summary>
    public static NamespacePlanner Prepare(OciConfig c, out ProcessSpec p)
    {
        p = c.Process ?? throw new RuntimeException("config.json: process: a container needs a process to run");
        if (p.Args is not { Count: > 0 }) throw new RuntimeException("config.json: process.args: must contain at least one entry");
        NamespacePlanner ns = NamespacePlanner.From(c.Linux);
        if (!OwnMountNamespace(ns)) HostMounts.EnsureAllowed(c.Linux, InUserNamespace(ns));
        return ns;
    }

    /// <summary>False for a config without a mount namespace: the rootfs is then set up in the caller's (HostMounts).</summary>
    private static bool OwnMountNamespace(NamespacePlanner ns) => ns.NewMountNamespace || ns.Joins.Exists(j => j.Type == "mount");

    /// <summary>
    /// The init's plan as a function of the config, the host's facts and the parent's fds: no
    /// probing, no fd opened here, so unit tests compose plans for made-up hosts (PlanGoldenTests).
    /// </summary>
    /// <param name="cgroupFallback">What a cgroup2 mount binds when the kernel refuses it (<see cref="CgroupFallback"/>), or null.</param>
    public static ProcessPlan Compose(InitRequest req, NamespacePlanner ns, HostFacts host, ParentFds fds, Seccomp.SeccompProgram? filter, string? cgroupFallback = null)
    {
        OciConfig c = req.Config.Config;
        ProcessSpec p = c.Process!;
        List<(string Type, int Fd)> joinFds = fds.Joins;
        var plan = new ProcessPlan();
        {
            // The plan starts in the sealed init, after the runtime's GO (uid/gid maps and the
            // cgroup are set), already non-dumpable (Native/init/interpret.c).
            plan.HandOver(req.ExecFifoFd);
            ns.Emit(plan, joinFds, c.Linux?.TimeOffsets);
            if (fds.BindSourceSocket >= 0)
            {
                // The container's mount namespace exists now: the runtime opens the bind sources in it (BindSources).
                plan.Op(PlanOp.SyncSend, "ask the runtime for the bind mount sources", (long)PlanMessageType.MountSources);
                plan.Op(PlanOp.SyncWait, "wait for the bind mount sources");
            }
            plan.Syscall(Nr.umask, "clear the umask for device and directory creation", 0L);

            RootfsPlanner.Emit(plan, req.Config, ns.NewNetworkNamespace, InUserNamespace(ns), req.NoPivot, host,
                HasCreateHooks(c.Hooks) ? EmitCreateHooksPause : null, fds.Idmaps, fds.MaskNullSource,
                OwnMountNamespace(ns), fds.BindSourceSocket, cgroupFallback, !HasOwnCgroupNamespace(ns));
            EmitUts(plan, c);
            if (p.Terminal == true) plan.HandOver(req.ConsoleSocketFd);
            TerminalPlanner.Emit(plan, p, req.ConsoleSocketFd);
            RootfsPlanner.EmitFinalize(plan, c);
            if (!req.NoNewKeyring)
                plan.Syscall(Nr.keyctl, "join a new session keyring", 1L /* KEYCTL_JOIN_SESSION_KEYRING */, PlanArg.Str("_ses." + req.Id))
                    .Tolerate(Errno.ENOSYS);
            // Only 0-2, --preserve-fds and LISTEN_FDS reach the container; the sync socket and
            // exec.fifo stay until they are used. Closed before the cwd is resolved, so no fd of
            // the runtime can serve as a way out (CVE-2024-21626).
#if OCI_WEAKEN_CWD_IN_ROOT
            CwdPlanner.Emit(plan, p.Cwd, "process.cwd");
            FdCloser.Emit(plan, 3 + Math.Max(0, req.PreserveFds), req.ChildSyncFd, req.ExecFifoFd);
#else
            FdCloser.Emit(plan, 3 + Math.Max(0, req.PreserveFds), req.ChildSyncFd, req.ExecFifoFd);
            CwdPlanner.Emit(plan, p.Cwd, "process.cwd");
#endif
            IdentityPlanner.EmitRlimits(plan, p.Rlimits, host);
            SchedulingPlanner.EmitProcess(plan, p);
            SchedulingPlanner.EmitPersonality(plan, c.Linux?.Personality);
            MemoryPolicyPlanner.Emit(plan, c.Linux?.MemoryPolicy);
            // The sealed init of a user namespace clone3 created belongs to that namespace, where the
            // runtime (its owner) may ptrace it; otherwise to the runtime's own.
            int listenerSocket = SeccompPlanner.ListenerSocket(filter, c.Linux?.Seccomp,
                (ns.CloneFlags & Clone.NEWUSER) != 0 || host.MayPtraceOwnProcesses(), req.ChildSyncFd);
            LaunchPlanner.EmitCredentials(plan, p, filter, SetgroupsAllowed(ns, c.Linux, host), host, listenerSocket);
            LaunchPlanner.EmitLookupLabelsAndSeccomp(plan, p, filter, " (process.args[0])", listenerSocket);
            EmitExecHandshake(plan, req, p);
        }
        return plan;
    }

    /// <summary>
    /// What a cgroup2 mount binds when the kernel refuses to mount one (runc's mountCgroupV2): the
    /// container's own cgroup when it has a cgroup namespace, else the host's whole cgroup2 mount.
    /// </summary>
    private static string? CgroupFallback(OciConfig c, NamespacePlanner ns, string? cgroupDir)
    {
        if (!MountPlanner.HasCgroupMount(c.Mounts)) return null;
        if (NewCgroupNamespace(ns) && cgroupDir is not null) return cgroupDir;
        return HostCgroup2Mount.Find();
    }

    private static bool NewCgroupNamespace(NamespacePlanner ns) => ((ns.UnshareFlags | ns.CloneFlags) & Clone.NEWCGROUP) != 0;

    /// <summary>A new or joined cgroup namespace; without one the container shares the runtime's, and a cgroup2 mount binds the host's (MountPlanner).</summary>
    private static bool HasOwnCgroupNamespace(NamespacePlanner ns) =>
        NewCgroupNamespace(ns) || ns.Joins.Exists(j => j.Type == "cgroup");

    public static bool HasCreateHooks(HooksSpec? h) =>
        h is not null && (h.Prestart is { Count: > 0 } || h.CreateRuntime is { Count: > 0 } || h.CreateContainer is { Count: > 0 });

    /// <summary>The init stops with its rootfs mounted so the runtime can run the create hooks (ContainerCreator).</summary>
    private static void EmitCreateHooksPause(ProcessPlan plan)
    {
        plan.Op(PlanOp.SyncSend, "ask the runtime to run the prestart/createRuntime/createContainer hooks", (long)PlanMessageType.Hooks);
        plan.Op(PlanOp.SyncWait, "wait for the create hooks");
    }

    private static bool InUserNamespace(NamespacePlanner ns) => ns.NewUserNamespace || ns.Joins.Exists(j => j.Type == "user");

    /// <summary>
    /// In a user namespace whose gid map an unprivileged runtime wrote itself, setgroups is denied
    /// (IdMapWriter); so it is in one the runtime runs in with setgroups denied (`unshare
    /// --map-root-user`), which a new namespace below inherits: runc reads /proc/self/setgroups too.
    /// </summary>
    public static bool SetgroupsAllowed(NamespacePlanner ns, LinuxSpec? linux, HostFacts host) =>
        host.OwnSetgroupsAllowed() && (!ns.NewUserNamespace || IdMapWriter.SetgroupsAllowed(linux));

    private static void EmitUts(ProcessPlan plan, OciConfig c)
    {
        if (c.Hostname is { Length: > 0 } h)
            plan.Syscall(Nr.sethostname, $"set hostname \"{h}\" (hostname)", PlanArg.Str(h), (long)System.Text.Encoding.UTF8.GetByteCount(h));
        if (c.Domainname is { Length: > 0 } d)
            plan.Syscall(Nr.setdomainname, $"set domainname \"{d}\" (domainname)", PlanArg.Str(d), (long)System.Text.Encoding.UTF8.GetByteCount(d));
    }

    private static void EmitExecHandshake(ProcessPlan plan, InitRequest req, ProcessSpec p)
    {
        // The open below runs after `create` returned, where a failure could only reach `start`:
        // prove now that the path works (a container without /proc, or with something else
        // there, fails create with this step's message).
        PlanSlot probe = plan.NewSlot();
        plan.Syscall(Nr.openat, "reach exec.fifo through /proc/self/fd", (long)AtFlags.FDCWD, PlanArg.Str($"/proc/self/fd/{req.ExecFifoFd}"), (long)(O.PATH | O.CLOEXEC))
            .Into(probe).WithHint("the container needs procfs mounted at /proc (mounts: {\"destination\": \"/proc\", \"type\": \"proc\"})");
        plan.Syscall(Nr.close, "close the exec.fifo probe", PlanArg.Slot(probe));
        plan.Op(PlanOp.SyncSend, "tell the runtime the container is created", (long)PlanMessageType.Ready);
        // Until the runtime has recorded the container (state.json), this process must not
        // outlive it: a runtime killed now leaves EOF here, and the init exits instead of
        // blocking on exec.fifo where no `delete` could find it.
        plan.Op(PlanOp.SyncWait, "wait for the runtime to record the container");
        plan.Op(PlanOp.SyncSend, "confirm to the runtime", (long)PlanMessageType.Ready);
        plan.Syscall(Nr.close, "close the sync socket", (long)req.ChildSyncFd);
        PlanSlot fifo = plan.NewSlot();
        // The fd number is known now, so its /proc/self/fd path is too; the open blocks until `start`
        // opens the fifo for reading. CLOEXEC: a successful execve closes it, which start reads as EOF.
        plan.Syscall(Nr.openat, "wait for start on exec.fifo", (long)AtFlags.FDCWD, PlanArg.Str($"/proc/self/fd/{req.ExecFifoFd}"), (long)(O.WRONLY | O.CLOEXEC)).Into(fifo);
        plan.Op(PlanOp.ReportTo, "report errors to start through exec.fifo", PlanArg.Slot(fifo));
        plan.Syscall(Nr.close, "close the exec.fifo path fd", (long)req.ExecFifoFd);
        LaunchPlanner.EmitExec(plan, p, " (process.args)");
    }
}
