using System.Collections.Generic;
using System.IO;
using OciRuntime.Errors;
using OciRuntime.Native.Interop;
using OciRuntime.Native.Plan;
using OciRuntime.Spec.Config;

namespace OciRuntime.Rootfs;

/// <summary>
/// config.md "Mounts", in config order. Bind mounts use the new mount API: open_tree clones the
/// source, mount_setattr sets its flags before it is visible (no ro-remount window, and no need
/// to re-add flags the kernel locks in a user namespace), move_mount attaches it onto the fd that
/// <see cref="SafePath"/> resolved. Other filesystems are mounted onto /proc/self/fd/N.
/// </summary>
public sealed class MountPlanner
{
    private readonly ProcessPlan _plan;
    private readonly SafePath _paths;
    private readonly PlanSlot _target;
    private readonly PlanSlot _tree;
    private readonly string _bundle;
    private readonly bool _newNetNs;
    private readonly IReadOnlyDictionary<int, int> _idmapFds;
    private readonly string? _mountLabel;
    private readonly string? _rootfs;
    private readonly Container.HostFacts _host;
    private readonly int _sourceSocket;
    private readonly string? _cgroupFallback;
    private readonly bool _cgroupBindFirst;
    private readonly PlanSlot _source;

    /// <param name="bindSourceSocket">In a user namespace: the socket the runtime sends every bind source on, as an fd (<see cref="BindSources"/>); -1: binds open their source by path.</param>
    /// <param name="cgroupFallback">What a cgroup2 mount binds instead when the kernel refuses it (EPERM/EBUSY: a user namespace without its own cgroup namespace), or null.</param>
    /// <param name="cgroupBindFirst">The container shares the runtime's cgroup namespace: a cgroup2 mount binds <paramref name="cgroupFallback"/> without trying a fresh mount (<see cref="EmitFilesystem"/>).</param>
    public MountPlanner(ProcessPlan plan, SafePath paths, string bundle, bool newNetworkNamespace, Container.HostFacts host, IReadOnlyDictionary<int, int>? idmapFds = null, string? mountLabel = null, string? rootfs = null,
        int bindSourceSocket = -1, string? cgroupFallback = null, bool cgroupBindFirst = false)
    {
        _host = host;
        _sourceSocket = bindSourceSocket;
        _cgroupFallback = cgroupFallback;
        _cgroupBindFirst = cgroupBindFirst;
        _rootfs = rootfs;
        _mountLabel = mountLabel;
        _idmapFds = idmapFds ?? new Dictionary<int, int>();
        _plan = plan;
        _paths = paths;
        _bundle = bundle;
        _newNetNs = newNetworkNamespace;
        _target = plan.NewSlot();
        _tree = plan.NewSlot();
        // Only plans that receive bind sources need the slot (and the golden plans stay as they were).
        _source = bindSourceSocket >= 0 ? plan.NewSlot() : new PlanSlot(-1);
    }

    /// <summary>True when a mount in the config puts a fresh filesystem (not a bind) on /dev.</summary>
    public static bool HasOwnDev(IReadOnlyList<MountSpec>? mounts)
    {
        if (mounts is null) return false;
        bool own = false;
        foreach (MountSpec m in mounts)
        {
            if (Normalize(m.Destination) != "/dev") continue;
            own = !MountOptions.Parse(m.Options).IsBind && m.Type != "bind";
        }
        return own;
    }

    public static string Normalize(string p) => "/" + string.Join('/', SafePath.Components(p));

    public static bool IsBind(MountSpec m) => m.Type == "bind" || MountOptions.Parse(m.Options).IsBind;

    /// <summary>
    /// A bind source as the runtime resolves it: relative to the bundle. An empty or missing one
    /// is the bundle directory itself, as in runc 1.1.5 (its zero-value string joined to the
    /// bundle; EmptyBindSourceTests): the one rule BindSources and EmitBind both follow, so the
    /// init is sent an fd for exactly the binds it waits for.
    /// </summary>
    public static string BindSource(string bundle, string? source) =>
        Path.IsPathRooted(source) ? source : Path.GetFullPath(Path.Combine(bundle, source ?? ""));

    /// <summary>
    /// True when the config's /dev (a fresh filesystem, not a bind) asks for "ro": the init mounts
    /// it writable and makes it read-only only after /dev/pts, /dev/shm, the devices, the symlinks
    /// and /dev/console are in it (runc's finalizeRootfs), in <see cref="RootfsPlanner.EmitFinalize"/>.
    /// </summary>
    public static bool DevReadonlyLast(IReadOnlyList<MountSpec>? mounts)
    {
        if (!HasOwnDev(mounts)) return false;
        bool ro = false;
        foreach (MountSpec m in mounts!)
            if (Normalize(m.Destination) == "/dev") ro = (MountOptions.Parse(m.Options).Flags & MountFlags.RDONLY) != 0;
        return ro;
    }

    /// <summary>True when a mount in the config is a cgroup filesystem (which may need <c>cgroupFallback</c>).</summary>
    public static bool HasCgroupMount(IReadOnlyList<MountSpec>? mounts)
    {
        if (mounts is null) return false;
        foreach (MountSpec m in mounts)
            if (!IsBind(m) && m.Type is "cgroup" or "cgroup2") return true;
        return false;
    }

    public void EmitAll(IReadOnlyList<MountSpec>? mounts)
    {
        if (mounts is null) return;
        for (int i = 0; i < mounts.Count; i++) Emit(mounts[i], i, $"mounts[{i}]");
    }

    private void Emit(MountSpec m, int index, string where)
    {
        MountOptions o = MountOptions.Parse(m.Options);
        string dest = Normalize(m.Destination);
        bool bind = o.IsBind || m.Type == "bind";
        bool idmapped = _idmapFds.TryGetValue(index, out int usernsFd);
        if (o.Idmap && !idmapped)
            throw new RuntimeException($"config.json: {where}.options: \"idmap\" needs {where}.uidMappings and gidMappings");
        if (idmapped && !bind)
            throw new RuntimeException($"config.json: {where}: idmapped mounts (uidMappings/gidMappings) are supported for bind mounts only");
        CheckProcRules(m, bind, where);
        if (bind) EmitBind(m, o, dest, where, idmapped ? usernsFd : -1);
        else EmitFilesystem(m, o, dest, where);
    }

    /// <summary>
    /// <see cref="ProcMountRules"/> on the destination as written and, when the image's symlinks
    /// lead elsewhere, as it resolves in the rootfs now (what runc checks): refused before the
    /// clone, so a bad mount is a clear error and never a dead container.
    /// </summary>
    private void CheckProcRules(MountSpec m, bool bind, string where)
    {
        string? type = bind ? null : m.Type;
        string written = ProcMountRules.Clean(m.Destination);
        bool SourceIsProcfs() => m.Source is { Length: > 0 } && _host.IsProcfs(BindSource(m.Source));
        if (ProcMountRules.Problem(written, type, SourceIsProcfs) is { } problem)
            throw new RuntimeException($"config.json: {where}.destination: {problem}");
        if (_rootfs is null) return;
        string resolved = ProcMountRules.ResolveInRootfs(_rootfs, m.Destination);
        if (resolved != written && ProcMountRules.Problem(resolved, type, SourceIsProcfs) is { } viaLink)
            throw new RuntimeException($"config.json: {where}.destination: \"{m.Destination}\" leads to {resolved} through a symlink in the rootfs: {viaLink}");
    }

    private string BindSource(string? source) => BindSource(_bundle, source);

    private void EmitBind(MountSpec m, MountOptions o, string dest, string where, int usernsFd)
    {
        string source = BindSource(m.Source);
        bool isDir = _host.IsDirectory(source) ??
            throw new RuntimeException($"config.json: {where}.source: bind source \"{source}\" does not exist (no such file or directory)");

        _paths.EnsureAndOpen(dest, isDir, _target, $"mount destination {dest} ({where})");
        int treeFlags = NewMount.OPEN_TREE_CLONE | NewMount.OPEN_TREE_CLOEXEC | (o.IsRecursiveBind ? AtFlags.RECURSIVE : 0);
#if !OCI_WEAKEN_BIND_SOURCE_FDS
        if (_sourceSocket >= 0)
        {
            // Opened by the runtime as the host's root (BindSources): no path walk as the container's user.
            BindSources.EmitReceive(_plan, _sourceSocket, _source, source, where);
            _plan.Syscall(Nr.open_tree, $"clone bind source {source} ({where}, open_tree)", PlanArg.Slot(_source), PlanArg.Str(""), (long)(treeFlags | AtFlags.EMPTY_PATH)).Into(_tree);
            _plan.Syscall(Nr.close, "close a bind source fd", PlanArg.Slot(_source));
        }
        else
#endif
            _plan.Syscall(Nr.open_tree, $"clone bind source {source} ({where}, open_tree)", (long)AtFlags.FDCWD, PlanArg.Str(source), (long)treeFlags).Into(_tree);

        (ulong set, ulong clear) = o.TopAttributes();
        if (set != 0 || clear != 0)
            _plan.Syscall(Nr.mount_setattr, $"set options of bind mount {dest} ({where}, mount_setattr)",
                PlanArg.Slot(_tree), PlanArg.Str(""), (long)AtFlags.EMPTY_PATH,
                PlanArg.Data(PlanStructs.MountAttr(set, clear, 0)), 32L);
        if (o.RecursiveAttrSet != 0 || o.RecursiveAttrClear != 0)
            _plan.Syscall(Nr.mount_setattr, $"set recursive options of bind mount {dest} ({where}, mount_setattr)",
                PlanArg.Slot(_tree), PlanArg.Str(""), (long)(AtFlags.EMPTY_PATH | AtFlags.RECURSIVE),
                PlanArg.Data(PlanStructs.MountAttr(o.RecursiveAttrSet, o.RecursiveAttrClear, 0)), 32L);

        if (usernsFd >= 0)
            _plan.Syscall(Nr.mount_setattr, $"idmap bind mount {dest} with its uid/gid mappings ({where}, mount_setattr)",
                PlanArg.Slot(_tree), PlanArg.Str(""), (long)(AtFlags.EMPTY_PATH | (o.RecursiveIdmap ? AtFlags.RECURSIVE : 0)),
                PlanArg.Data(PlanStructs.MountAttr(NewMount.ATTR_IDMAP, 0, 0, (ulong)usernsFd)), 32L)
                .WithHint("the source filesystem must support idmapped mounts (ext4, xfs, btrfs, tmpfs on Linux 6.3+)");
        _plan.Syscall(Nr.move_mount, $"attach bind mount of {source} on {dest} ({where}, move_mount)",
            PlanArg.Slot(_tree), PlanArg.Str(""), PlanArg.Slot(_target), PlanArg.Str(""),
            (long)(NewMount.MOVE_MOUNT_F_EMPTY_PATH | NewMount.MOVE_MOUNT_T_EMPTY_PATH));
        _plan.Syscall(Nr.close, "close a mount fd", PlanArg.Slot(_tree));
        _plan.Syscall(Nr.close, "close a path fd", PlanArg.Slot(_target));
        // Propagation is set once the mount is attached: a detached tree's peer group is not
        // what the attached mount ends up with.
        if (o.Propagation != 0) EmitPropagation(dest, o.Propagation, where);
    }

    private void EmitPropagation(string dest, ulong propagation, string where)
    {
        // The fd resolved before the mount names the covered directory: resolve again.
        _paths.Open(dest, _target, $"mount {dest} ({where})");
        _plan.Syscall(Nr.mount, $"set propagation of {dest} ({where})", PlanArg.Null, PlanArg.FdPath(_target), PlanArg.Null, (long)propagation, PlanArg.Null);
        _plan.Syscall(Nr.close, "close a path fd", PlanArg.Slot(_target));
    }

    /// <summary>
    /// config-linux.md "Mount Label": the SELinux context of the container's filesystems, passed as
    /// context= to the filesystems that take it, and only where SELinux is enabled (elsewhere the
    /// kernel rejects the option, which is what breaks runc with a mountLabel on such hosts).
    /// </summary>
    private string WithMountLabel(string data, string type)
    {
        if (string.IsNullOrEmpty(_mountLabel) || !_host.Selinux) return data;
        if (type is "proc" or "sysfs" or "cgroup2" or "mqueue") return data;   // runc leaves these unlabeled too
        string context = $"context=\"{_mountLabel}\"";
        return data.Length == 0 ? context : data + "," + context;
    }

    /// <summary>
    /// runc's mountCgroupV2 fallback: where cgroup2 cannot be mounted (EPERM/EBUSY: a user namespace
    /// that does not own the cgroup namespace), bind the host's cgroup2 directory instead (the
    /// container's own cgroup when it has a cgroup namespace), recursively, with the mount's
    /// options (ro in every default config) on every mount of the tree. Runs when the mount step
    /// above failed with one of those two errors, and instead of it where the container shares the
    /// runtime's cgroup namespace (<see cref="BindsHostCgroup2"/>).
    /// </summary>
    private void EmitCgroupBind(string host, MountOptions o, string dest, string where, string why)
    {
        _plan.Syscall(Nr.open_tree, $"clone the host's cgroup2 directory {host} for {dest} ({where}: {why}, open_tree)",
            (long)AtFlags.FDCWD, PlanArg.Str(host), (long)(NewMount.OPEN_TREE_CLONE | NewMount.OPEN_TREE_CLOEXEC | AtFlags.RECURSIVE)).Into(_tree);
        (ulong set, ulong clear) = o.TopAttributes();
        if (set != 0 || clear != 0)
            _plan.Syscall(Nr.mount_setattr, $"set options of the cgroup2 bind on {dest} ({where}, mount_setattr)",
                PlanArg.Slot(_tree), PlanArg.Str(""), (long)(AtFlags.EMPTY_PATH | AtFlags.RECURSIVE),
                PlanArg.Data(PlanStructs.MountAttr(set, clear, 0)), 32L);
        _plan.Syscall(Nr.move_mount, $"attach the cgroup2 bind of {host} on {dest} ({where}, move_mount)",
            PlanArg.Slot(_tree), PlanArg.Str(""), PlanArg.Slot(_target), PlanArg.Str(""),
            (long)(NewMount.MOVE_MOUNT_F_EMPTY_PATH | NewMount.MOVE_MOUNT_T_EMPTY_PATH));
        _plan.Syscall(Nr.close, "close a mount fd", PlanArg.Slot(_tree));
    }

    /// <summary>
    /// crun's and runc's fallback: sysfs may be mounted only by a user namespace that owns the
    /// network namespace, so a rootless container without its own gets EPERM. It then gets a read-only recursive bind of the
    /// runtime's <paramref name="hostPath"/> instead (for /sys, what `spec --rootless` asks for).
    /// The mount step jumps over these steps when it succeeds.
    /// </summary>
    private void EmitHostBindFallback(PlanStep mount, string hostPath, string type, ulong flags, string dest, string where)
    {
        PlanLabel done = _plan.NewLabel();
        mount.Tolerate(Errno.EPERM).OnSuccessJumpTo(done);
        _plan.Syscall(Nr.open_tree, $"clone the host's {hostPath} for {dest}: {type} cannot be mounted here ({where}, open_tree)",
            (long)AtFlags.FDCWD, PlanArg.Str(hostPath), (long)(NewMount.OPEN_TREE_CLONE | NewMount.OPEN_TREE_CLOEXEC | AtFlags.RECURSIVE)).Into(_tree);
        ulong attrs = NewMount.ATTR_RDONLY
            | ((flags & MountFlags.NOSUID) != 0 ? NewMount.ATTR_NOSUID : 0)
            | ((flags & MountFlags.NODEV) != 0 ? NewMount.ATTR_NODEV : 0)
            | ((flags & MountFlags.NOEXEC) != 0 ? NewMount.ATTR_NOEXEC : 0);
        _plan.Syscall(Nr.mount_setattr, $"make the bind of {hostPath} on {dest} read-only ({where}, mount_setattr)",
            PlanArg.Slot(_tree), PlanArg.Str(""), (long)(AtFlags.EMPTY_PATH | AtFlags.RECURSIVE),
            PlanArg.Data(PlanStructs.MountAttr(attrs, 0, 0)), 32L);
        _plan.Syscall(Nr.move_mount, $"attach the bind of {hostPath} on {dest} ({where}, move_mount)",
            PlanArg.Slot(_tree), PlanArg.Str(""), PlanArg.Slot(_target), PlanArg.Str(""),
            (long)(NewMount.MOVE_MOUNT_F_EMPTY_PATH | NewMount.MOVE_MOUNT_T_EMPTY_PATH));
        _plan.Syscall(Nr.close, "close a mount fd", PlanArg.Slot(_tree));
        _plan.Mark(done);
    }

    private void EmitFilesystem(MountSpec m, MountOptions o, string dest, string where)
    {
        string type = m.Type ?? throw new RuntimeException($"config.json: {where}.type: a mount that is not a bind needs a type");
        // A v2-only runtime: the legacy "cgroup" type means the container's view of cgroup2.
        if (type == "cgroup") type = "cgroup2";
        ulong flags = o.Flags & ~(MountFlags.BIND | MountFlags.REC | MountFlags.REMOUNT);
        // runc: without its own network namespace a container must not get a writable sysfs.
        if (type == "sysfs" && !_newNetNs) flags |= MountFlags.RDONLY;
#if !OCI_WEAKEN_DEV_RO_LAST
        // A read-only /dev would refuse its own mount points, nodes and symlinks: RootfsPlanner.EmitFinalize.
        if (dest == "/dev") flags &= ~MountFlags.RDONLY;
#endif

        // runc: proc and sysfs only on an ordinary directory, never through a symlink the image
        // planted (CVE-2019-16884 class); checked by the open itself, at run time.
        bool pseudo = type is "proc" or "sysfs";
        _paths.EnsureAndOpen(dest, true, _target, $"mount destination {dest} ({where})", pseudo,
            pseudo ? $"{type} must be mounted on an ordinary directory: {dest} in the rootfs, or a directory on the way to it, is a symlink or not a directory; runc refuses this too" : null);
        string data = WithMountLabel(o.Data, type);
        if (BindsHostCgroup2(type, data) is { } hostCgroup)
            EmitCgroupBind(hostCgroup, o, dest, where, "the container shares the runtime's cgroup namespace");
        else
            EmitFreshMount(m, o, type, flags, data, dest, where);
        _plan.Syscall(Nr.close, "close a path fd", PlanArg.Slot(_target));

        if (o.RecursiveAttrSet != 0 || o.RecursiveAttrClear != 0)
        {
            _paths.Open(dest, _target, $"mount {dest} ({where})");
            _plan.Syscall(Nr.mount_setattr, $"set recursive options of {dest} ({where}, mount_setattr)",
                PlanArg.Slot(_target), PlanArg.Str(""), (long)(AtFlags.EMPTY_PATH | AtFlags.RECURSIVE),
                PlanArg.Data(PlanStructs.MountAttr(o.RecursiveAttrSet, o.RecursiveAttrClear, 0)), 32L);
            _plan.Syscall(Nr.close, "close a path fd", PlanArg.Slot(_target));
        }
        if (o.Propagation != 0) EmitPropagation(dest, o.Propagation, where);
    }

    /// <summary>
    /// The host's cgroup2 mount to bind for a cgroup2 mount in a container that shares the
    /// runtime's cgroup namespace, or null for a fresh mount. Mounting cgroup2 from the initial
    /// cgroup namespace re-applies the hierarchy-wide options (nsdelegate, memory_recursiveprot,
    /// memory_localevents, favordynmods) from the new mount's, so a container's plain mount
    /// silently cleared the host's (runc issue 5258), and the kernel takes cgroup_threadgroup_rwsem
    /// for writing to do it, which waits for an RCU grace period (3-15 ms here, more than the
    /// rest of create's kernel work). A bind shows the same tree and touches neither. An explicit
    /// data option in the config is the caller asking for the superblock's options: mounted.
    /// </summary>
    private string? BindsHostCgroup2(string type, string data)
    {
#if OCI_WEAKEN_CGROUP2_HOST_FLAGS
        return null;
#else
        return type == "cgroup2" && _cgroupBindFirst && data.Length == 0 ? _cgroupFallback : null;
#endif
    }

    private void EmitFreshMount(MountSpec m, MountOptions o, string type, ulong flags, string data, string dest, string where)
    {
        PlanStep mount = _plan.Syscall(Nr.mount, $"mount {type} on {dest} ({where})",
            PlanArg.Str(string.IsNullOrEmpty(m.Source) ? type : m.Source), PlanArg.FdPath(_target), PlanArg.Str(type),
            (long)flags, data.Length > 0 ? PlanArg.Str(data) : PlanArg.Null);
        if (type == "sysfs" && !_newNetNs) EmitHostBindFallback(mount, "/sys", "sysfs", flags, dest, where);
#if !OCI_WEAKEN_CGROUP2_FALLBACK
        if (type == "cgroup2" && _cgroupFallback is { } host)
        {
            PlanLabel mounted = _plan.NewLabel();
            mount.Tolerate(Errno.EPERM, Errno.EBUSY).OnSuccessJumpTo(mounted);
            EmitCgroupBind(host, o, dest, where, "cgroup2 cannot be mounted here");
            _plan.Mark(mounted);
        }
#endif
    }
}
