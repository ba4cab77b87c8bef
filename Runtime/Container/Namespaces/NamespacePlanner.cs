using System.Collections.Generic;
using OciRuntime.Errors;
using OciRuntime.Native.Interop;
using OciRuntime.Native.Plan;
using OciRuntime.Spec.Config;

namespace OciRuntime.Container;

/// <summary>
/// Decides how the init gets its namespaces. Fast path (nothing joined by path): one clone3
/// with every new-namespace flag. Joins present: clone3 with none, then setns (user first),
/// then unshare the new ones, because a namespace created by clone would be owned by a new user
/// namespace that has no rights over the joined ones. cgroup is always unshared after the
/// parent placed the child in its cgroup (so that cgroup becomes the namespace's root); time
/// is unshared so its offsets can be written before any process enters it. A pid or time
/// namespace entered by setns/unshare applies to children only, so the plan forks once more.
/// </summary>
public sealed class NamespacePlanner
{
    public ulong CloneFlags { get; private set; }
    public ulong UnshareFlags { get; private set; }
    public bool Forks { get; private set; }
    /// <summary>The parent writes uid/gid maps before the first GO (fast path with a new user ns).</summary>
    public bool MapsBeforeGo { get; private set; }
    /// <summary>The child asks for maps after unshare(CLONE_NEWUSER) (join path).</summary>
    public bool MapsAfterUnshare { get; private set; }
    public bool NewUserNamespace { get; private set; }
    public bool NewNetworkNamespace { get; private set; }
    public bool NewPidNamespace { get; private set; }
    public bool NewMountNamespace { get; private set; }
    public bool NewTimeNamespace { get; private set; }
    public bool NewUtsNamespace { get; private set; }
    public List<(string Type, string Path)> Joins { get; } = new();

    public static NamespacePlanner From(LinuxSpec? linux)
    {
        var p = new NamespacePlanner();
        ulong newFlags = 0;
        if (linux?.Namespaces is { } list)
        {
            foreach (LinuxNamespace ns in list)
            {
                if (!NamespaceKinds.CloneFlag.TryGetValue(ns.Type, out ulong flag)) continue; // validator reported it
                if (string.IsNullOrEmpty(ns.Path)) newFlags |= flag;
                else p.Joins.Add((ns.Type, ns.Path));
            }
        }
        p.NewUserNamespace = (newFlags & Clone.NEWUSER) != 0;
        p.NewNetworkNamespace = (newFlags & Clone.NEWNET) != 0;
        p.NewPidNamespace = (newFlags & Clone.NEWPID) != 0;
        p.NewMountNamespace = (newFlags & Clone.NEWNS) != 0;
        p.NewTimeNamespace = (newFlags & Clone.NEWTIME) != 0;
        p.NewUtsNamespace = (newFlags & Clone.NEWUTS) != 0;

        ulong late = newFlags & (Clone.NEWCGROUP | Clone.NEWTIME);
        // A time namespace needs a fork after unshare. The process that forks must not be pid 1
        // of a new pid namespace (its exit would kill the namespace): unshare that one too, so
        // the forked child becomes the namespace's pid 1.
        if ((newFlags & Clone.NEWTIME) != 0) late |= newFlags & Clone.NEWPID;
        if (p.Joins.Count == 0)
        {
            p.CloneFlags = newFlags & ~late;
            p.UnshareFlags = late;
            p.MapsBeforeGo = p.NewUserNamespace;
        }
        else
        {
            p.CloneFlags = 0;
            p.UnshareFlags = newFlags;
            p.MapsAfterUnshare = p.NewUserNamespace;
        }
        bool joinsPid = p.Joins.Exists(j => j.Type == "pid");
        bool joinsTime = p.Joins.Exists(j => j.Type == "time");
        p.Forks = (p.UnshareFlags & (Clone.NEWPID | Clone.NEWTIME)) != 0 || joinsPid || joinsTime;
        return p;
    }

    /// <summary>Opens the namespace files to join, in the parent, before the clone.</summary>
    public List<(string Type, int Fd)> OpenJoinFds()
    {
        var fds = new List<(string, int)>();
        foreach (string type in NamespaceKinds.JoinOrder)
        {
            foreach (var (t, path) in Joins)
            {
                if (t != type) continue;
                int fd = Sys.Open(path, O.RDONLY | O.CLOEXEC, 0);
                if (fd < 0)
                {
                    int e = Sys.LastErrno;
                    foreach (var (_, f) in fds) Sys.Close(f);
                    throw new RuntimeException($"config.json: linux.namespaces: cannot open {type} namespace {path}: {Sys.ErrnoText(e)}");
                }
                fds.Add((t, fd));
            }
        }
        return fds;
    }

    /// <summary>The child's namespace steps, run right after the first GO from the parent.</summary>
    public void Emit(ProcessPlan plan, List<(string Type, int Fd)> joinFds, IReadOnlyDictionary<string, LinuxTimeOffset>? timeOffsets)
    {
        foreach (var (type, fd) in joinFds)
        {
            plan.Syscall(Nr.setns, $"join {type} namespace (setns)", (long)fd, (long)NamespaceKinds.CloneFlag[type]);
            plan.Syscall(Nr.close, "close a namespace fd", (long)fd);
        }
        if (UnshareFlags != 0)
            plan.Syscall(Nr.unshare, "create namespaces (unshare)", (long)UnshareFlags);
        if (MapsAfterUnshare)
        {
            plan.Op(PlanOp.SyncSend, "ask the runtime for uid/gid maps", (long)PlanMessageType.Maps);
            plan.Op(PlanOp.SyncWait, "wait for uid/gid maps");
        }
        if (NewUserNamespace || Joins.Exists(j => j.Type == "user"))
        {
            // The host uid that created the namespace is usually unmapped inside it; become the
            // namespace's root so files created while building the rootfs get a mapped owner.
            plan.Syscall(Nr.setresgid, "become gid 0 in the user namespace", 0L, 0L, 0L)
                .WithHint("linux.gidMappings must map container gid 0");
            plan.Syscall(Nr.setresuid, "become uid 0 in the user namespace", 0L, 0L, 0L)
                .WithHint("linux.uidMappings must map container uid 0");
        }
        if (NewTimeNamespace && timeOffsets is { Count: > 0 })
        {
            var text = new System.Text.StringBuilder();
            foreach (var kv in timeOffsets)
                text.Append(kv.Key).Append(' ').Append(kv.Value.Secs ?? 0).Append(' ').Append(kv.Value.Nanosecs ?? 0).Append('\n');
            var slot = plan.NewSlot();
            byte[] bytes = System.Text.Encoding.ASCII.GetBytes(text.ToString());
#if OCI_WEAKEN_PROCFS_VERIFY
            plan.Syscall(Nr.openat, "open /proc/self/timens_offsets", (long)AtFlags.FDCWD, PlanArg.Str("/proc/self/timens_offsets"), (long)(O.WRONLY | O.CLOEXEC)).Into(slot);
#else
            // The runtime's /proc (still the host's view: this runs before any container mount),
            // then beneath it with no mount crossing and no magic links (CVE-2025-52881).
            var proc = plan.NewSlot();
            plan.Syscall(Nr.openat, "open /proc for timens_offsets", (long)AtFlags.FDCWD, PlanArg.Str("/proc"), (long)(O.PATH | O.DIRECTORY | O.NOFOLLOW | O.CLOEXEC)).Into(proc);
            plan.Syscall(Nr.openat2, "open /proc/self/timens_offsets", PlanArg.Slot(proc), PlanArg.Str("self/timens_offsets"),
                PlanArg.Data(PlanStructs.OpenHow((ulong)(O.WRONLY | O.NOFOLLOW | O.CLOEXEC), 0, Resolve.BENEATH | Resolve.NO_MAGICLINKS | Resolve.NO_XDEV)), 24L).Into(slot);
            plan.Syscall(Nr.close, "close /proc", PlanArg.Slot(proc));
#endif
            plan.Syscall(Nr.write, "write linux.timeOffsets to /proc/self/timens_offsets", PlanArg.Slot(slot), PlanArg.Data(bytes), (long)bytes.Length);
            plan.Syscall(Nr.close, "close timens_offsets", PlanArg.Slot(slot));
        }
        if (Forks)
            plan.Op(PlanOp.Fork, "fork into the new pid/time namespace");
    }
}
