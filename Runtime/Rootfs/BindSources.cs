using System.Collections.Generic;
using OciRuntime.Container;
using OciRuntime.Errors;
using OciRuntime.Native.Interop;
using OciRuntime.Native.Plan;
using OciRuntime.Spec.Config;

namespace OciRuntime.Rootfs;

/// <summary>
/// Bind-mount sources of a container in a user namespace, opened by the runtime as root of the
/// host and handed to the init as fds (runc 1.1's mountfds), so a source under a directory that
/// only the host's root may enter (0700 root) still works when the container's root is uid
/// 100000: the init's own path walk, as an unmapped user, would get EACCES.
///
/// Why the fds are opened inside the container's new mount namespace, by a short-lived helper
/// (host root, host user namespace) that setns's into it, and not by the runtime before the
/// clone (measured on 6.18):
/// - an O_PATH fd opened in the runtime's namespace names a mount of that namespace: mount(2)
///   from /proc/self/fd/N and open_tree(fd, OPEN_TREE_CLONE) in the init both fail with EINVAL
///   (the source mount must belong to the caller's mount namespace);
/// - an open_tree(OPEN_TREE_CLONE) copy made by the runtime can be attached by the init
///   (move_mount of a detached tree), but it is created in the host's user namespace, so the
///   flags the host's mount carries (ro, nosuid, nodev, noexec) are not locked: the container's
///   root could remount a bind of a read-only host mount read-write.
/// An fd opened in the container's mount namespace names that namespace's copy of the host mount,
/// which the kernel locked when it copied the namespace for a less privileged user namespace; the
/// init's open_tree clone of it keeps those locks, exactly as when it binds by path.
/// </summary>
public static class BindSources
{
    /// <summary>Every bind mount of the config, in config order, with its absolute source: the order the init receives them in.</summary>
    public static List<(string Source, string Where)> Of(IReadOnlyList<MountSpec>? mounts, string bundle)
    {
        var list = new List<(string, string)>();
        if (mounts is null) return list;
        for (int i = 0; i < mounts.Count; i++)
        {
            MountSpec m = mounts[i];
            // Exactly the binds MountPlanner.EmitBind receives an fd for (an empty or missing source
            // is the bundle, MountPlanner.BindSource): a mismatch would leave the init waiting for
            // an fd never sent.
            if (!MountPlanner.IsBind(m)) continue;
            list.Add((MountPlanner.BindSource(bundle, m.Source), $"mounts[{i}]"));
        }
        return list;
    }

    /// <summary>A SOCK_SEQPACKET pair: [0] for the init (receives), [1] for the helper (sends).</summary>
    public static unsafe (int Init, int Helper) SocketPair()
    {
        int* sv = stackalloc int[2];
        if (Sys.SocketPair(Sock.AF_UNIX, Sock.SOCK_SEQPACKET | Sock.SOCK_CLOEXEC, 0, sv) < 0)
            throw new SyscallException("socketpair for the bind mount sources", Sys.LastErrno);
        return (sv[0], sv[1]);
    }

    /// <summary>
    /// Parent side, when the init asks (OCI_MSG_MOUNT_SOURCES, its namespaces entered): a helper
    /// enters the init's mount namespace, opens each source O_PATH and sends it on
    /// <paramref name="helperSocket"/>, in order. Takes ownership of <paramref name="helperSocket"/>.
    /// </summary>
    public static void Send(int initPid, IReadOnlyList<(string Source, string Where)> sources, int helperSocket)
    {
        int mnt = Sys.Open($"/proc/{initPid}/ns/mnt", O.RDONLY | O.CLOEXEC, 0);
        if (mnt < 0)
        {
            int e = Sys.LastErrno;
            Sys.Close(helperSocket);
            throw new SyscallException($"open the container's mount namespace /proc/{initPid}/ns/mnt", e);
        }
        var plan = new ProcessPlan();
        plan.Syscall(Nr.setns, "enter the container's mount namespace to open the bind mount sources", (long)mnt, (long)Clone.NEWNS);
        plan.Syscall(Nr.close, "close the mount namespace fd", (long)mnt);
        PlanSlot fd = plan.NewSlot();
        foreach (var (source, where) in sources)
        {
            plan.Syscall(Nr.openat, $"open bind source {source} ({where}) as the host's root", (long)AtFlags.FDCWD, PlanArg.Str(source), (long)(O.PATH | O.CLOEXEC)).Into(fd);
            plan.Op(PlanOp.SendFd, $"hand bind source {source} ({where}) to the container init", (long)helperSocket, PlanArg.Str("m"), 1L, PlanArg.Slot(fd));
            plan.Syscall(Nr.close, "close a bind source fd", PlanArg.Slot(fd));
        }
        plan.Op(PlanOp.SyncSend, "report the bind mount sources sent", (long)PlanMessageType.Ready);
        using var sync = SyncChannel.Create();
        var spawned = ProcessSpawner.Spawn(plan, 0, sync, new List<int> { mnt, helperSocket },
            new SpawnHandlers { What = "bind mount source opener" });
        ProcessSpawner.Reap(spawned.DirectChild);
    }

    /// <summary>Init side, at each bind mount: the next source fd, in config order.</summary>
    public static void EmitReceive(ProcessPlan plan, int initSocket, PlanSlot into, string source, string where) =>
        plan.Op(PlanOp.RecvFd, $"receive bind source {source} ({where}) from the runtime", (long)initSocket).Into(into);
}
