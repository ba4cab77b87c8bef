using OciRuntime.Native.Interop;
using OciRuntime.Native.Plan;
using OciRuntime.Spec.Config;
using OciRuntime.Spec.Loading;

namespace OciRuntime.Rootfs;

/// <summary>
/// The container's filesystem view, in the order runc builds it: make the host's mounts slave
/// (rootfsPropagation, rslave by default, so nothing leaks back), make the rootfs's parent mount
/// private when it is shared, bind the rootfs onto itself so it is a mount point, the config's mounts in order, /dev, masked and read-only paths, then
/// pivot_root (or MS_MOVE + chroot with --no-pivot), rootfsPropagation on the new root; root.readonly
/// and a read-only /dev come last (<see cref="EmitFinalize"/>).
///
/// Without a mount namespace of its own (valid in the spec: runtime-tools' linux_ns_itype) the
/// container's mounts are made in the caller's namespace: then nothing of the caller's mounts is
/// changed (runc 1.1 makes the host's "/" rslave and the rootfs's parent private), the rootfs is
/// bound onto itself and that bind made private, so what is mounted beneath it propagates nowhere, the
/// container enters it with chroot, and <see cref="HostMounts"/> records that one bind, under
/// which every other mount lies, so delete can detach them all.
/// </summary>
public static class RootfsPlanner
{
    public static void Emit(ProcessPlan plan, LoadedConfig loaded, bool newNetNs, bool inUserNs, bool noPivot, Container.HostFacts host, System.Action<ProcessPlan>? beforePivot = null, System.Collections.Generic.IReadOnlyDictionary<int, int>? idmapFds = null, int maskNullFd = -1,
        bool ownMountNs = true, int bindSourceSocket = -1, string? cgroupFallback = null, bool cgroupBindFirst = false)
    {
        OciConfig c = loaded.Config;
        LinuxSpec? linux = c.Linux;
        string rootfs = loaded.RootfsPath;

        ulong rootProp = RootPropagation(linux?.RootfsPropagation);
        if (!ownMountNs)
        {
#if OCI_WEAKEN_HOST_MOUNTNS
            plan.Syscall(Nr.mount, "make / rslave, as runc 1.1 does even in the caller's mount namespace",
                PlanArg.Null, PlanArg.Str("/"), PlanArg.Null, (long)rootProp, PlanArg.Null);
#endif
            EmitPrivateRootfsBind(plan, rootfs);
        }
        else
        {
            plan.Syscall(Nr.mount, "make the container's mounts private to it (mount / with rootfsPropagation)",
                PlanArg.Null, PlanArg.Str("/"), PlanArg.Null, (long)rootProp, PlanArg.Null);
#if !OCI_WEAKEN_ROOTFS_PARENT_PRIVATE
            if (RootfsParentMount.ToMakePrivate(rootfs, rootProp, host.MountinfoPath) is { } parent)
                plan.Syscall(Nr.mount, $"make {parent}, the mount holding the rootfs, private (pivot_root refuses a shared parent; the rootfs bind must not propagate to the host)",
                    PlanArg.Null, PlanArg.Str(parent), PlanArg.Null, (long)MountFlags.PRIVATE, PlanArg.Null)
                    // EINVAL: not a mount point in a mount namespace joined by path (the parent was read from
                    // the runtime's own mountinfo); pivot_root then reports the shared parent itself.
                    .Tolerate(Errno.EINVAL);
#endif
            plan.Syscall(Nr.mount, $"bind the rootfs {rootfs} onto itself", PlanArg.Str(rootfs), PlanArg.Str(rootfs), PlanArg.Null,
                (long)(MountFlags.BIND | MountFlags.REC), PlanArg.Null);
        }
        PlanSlot root = plan.NewSlot();
        plan.Syscall(Nr.openat, $"open the rootfs {rootfs}", (long)AtFlags.FDCWD, PlanArg.Str(rootfs), (long)(O.PATH | O.DIRECTORY | O.CLOEXEC)).Into(root);

        var paths = new SafePath(plan, root);
        new MountPlanner(plan, paths, loaded.BundlePath, newNetNs, host, idmapFds, linux?.MountLabel, rootfs, bindSourceSocket, cgroupFallback, cgroupBindFirst).EmitAll(c.Mounts);
        if (bindSourceSocket >= 0) plan.Syscall(Nr.close, "close the bind source socket", (long)bindSourceSocket);
        // The runtime itself may run in a user namespace (rootless podman): mknod fails there too.
        var devices = new DevicePlanner(plan, paths, inUserNs || host.InUserNamespace, host.HasKcore);
        if (MountPlanner.HasOwnDev(c.Mounts)) devices.EmitDefaults(linux?.Devices);
        devices.EmitConfigured(linux?.Devices);
        // Before the masks: the default readonlyPaths include /proc/sys (runc's order too).
        SysctlPlanner.Emit(plan, paths, linux?.Sysctl);
        var masks = new PathMaskPlanner(plan, paths, maskNullFd);
        masks.EmitMasked(linux?.MaskedPaths);
        masks.EmitReadonly(linux?.ReadonlyPaths);

        // runtime.md: createRuntime/createContainer hooks run after the mounts, before pivot_root.
        beforePivot?.Invoke(plan);
        plan.Syscall(Nr.fchdir, "enter the rootfs", PlanArg.Slot(root));
        if (!ownMountNs)
        {
            // No namespace to pivot in: pivot_root, MS_MOVE and NoPivotDetach would act on the
            // caller's own mounts. chroot, as runc does there.
            plan.Syscall(Nr.chroot, "chroot into the rootfs (no mount namespace)", PlanArg.Str("."));
        }
        else if (noPivot)
        {
            // Last, after every step that names a path through the host's /proc (/proc/self/fd/N).
            NoPivotDetach.Emit(plan, rootfs, host.MountinfoPath);
            plan.Syscall(Nr.mount, "move the rootfs to / (--no-pivot)", PlanArg.Str("."), PlanArg.Str("/"), PlanArg.Null, (long)MountFlags.MOVE, PlanArg.Null);
            plan.Syscall(Nr.chroot, "chroot into the rootfs (--no-pivot)", PlanArg.Str("."));
        }
        else
        {
            // pivot_root(".", ".") stacks the old root on top of the new one; detach it at once.
            // Reach the old root through an fd taken before the pivot: "." after the pivot may
            // name the new root, and MS_SLAVE|MS_REC there would undo the mounts' propagation.
            PlanSlot oldRoot = plan.NewSlot();
            plan.Syscall(Nr.openat, "open the old root", (long)AtFlags.FDCWD, PlanArg.Str("/"), (long)(O.PATH | O.DIRECTORY | O.CLOEXEC)).Into(oldRoot);
            plan.Syscall(Nr.pivot_root, "pivot_root into the rootfs", PlanArg.Str("."), PlanArg.Str("."))
                .WithHint("pivot_root does not work on a ramfs/initramfs root; use --no-pivot there");
            plan.Syscall(Nr.fchdir, "enter the old root", PlanArg.Slot(oldRoot));
            plan.Syscall(Nr.mount, "make the old root slave before detaching it", PlanArg.Null, PlanArg.Str("."), PlanArg.Null, (long)(MountFlags.SLAVE | MountFlags.REC), PlanArg.Null);
            plan.Syscall(Nr.umount2, "detach the old root", PlanArg.Str("."), (long)MountFlags.MNT_DETACH);
            plan.Syscall(Nr.close, "close the old root fd", PlanArg.Slot(oldRoot));
        }
        plan.Syscall(Nr.chdir, "chdir to the new root", PlanArg.Str("/"));
        plan.Syscall(Nr.close, "close the rootfs fd", PlanArg.Slot(root));
        // The bind above left the new root private (its parent was made so); the container's own
        // root gets the asked type only now, where it cannot reach the host's mounts. Only "/"
        // itself: the config's mounts carry their own propagation options.
        if (ownMountNs && RootTypeAfterPivot(linux?.RootfsPropagation) is var after and not 0)
            plan.Syscall(Nr.mount, $"make the container's root {linux!.RootfsPropagation} (rootfsPropagation)",
                PlanArg.Null, PlanArg.Str("/"), PlanArg.Null, (long)after, PlanArg.Null);
    }

    /// <summary>
    /// runc's finalizeRootfs, after everything that creates files in the container (/dev/console
    /// included): a "ro" /dev (mounted writable by <see cref="MountPlanner"/>), then root.readonly.
    /// Only the /dev mount itself: /dev/pts, /dev/shm and /dev/mqueue keep their own options.
    /// </summary>
    public static void EmitFinalize(ProcessPlan plan, OciConfig c)
    {
#if !OCI_WEAKEN_DEV_RO_LAST
        if (MountPlanner.DevReadonlyLast(c.Mounts))
            plan.Syscall(Nr.mount_setattr, "make /dev read-only (its mount's \"ro\" option, applied once /dev is populated)", (long)AtFlags.FDCWD, PlanArg.Str("/dev"), 0L,
                PlanArg.Data(PlanStructs.MountAttr(NewMount.ATTR_RDONLY, 0, 0)), 32L);
#endif
        if (c.Root?.Readonly == true)
            plan.Syscall(Nr.mount_setattr, "make the root read-only (root.readonly)", (long)AtFlags.FDCWD, PlanArg.Str("/"), 0L,
                PlanArg.Data(PlanStructs.MountAttr(NewMount.ATTR_RDONLY, 0, 0)), 32L);
    }

    /// <summary>
    /// The rootfs bound onto itself in the caller's mount namespace, then made private: attached
    /// under a shared mount it became shared (and its copy reached that mount's peers, as any
    /// mount there does; delete's detach removes those too), but nothing mounted beneath it later
    /// propagates anywhere. Only this new mount changes: the caller's own mounts keep theirs.
    /// </summary>
    private static void EmitPrivateRootfsBind(ProcessPlan plan, string rootfs)
    {
        plan.Syscall(Nr.mount, $"bind the rootfs {rootfs} onto itself (no mount namespace: in the caller's)", PlanArg.Str(rootfs), PlanArg.Str(rootfs), PlanArg.Null,
            (long)(MountFlags.BIND | MountFlags.REC), PlanArg.Null);
        plan.Syscall(Nr.mount, $"make the rootfs bind {rootfs} private", PlanArg.Null, PlanArg.Str(rootfs), PlanArg.Null,
            (long)(MountFlags.PRIVATE | MountFlags.REC), PlanArg.Null);
    }

    /// <summary>runc's mapping (specconv's mountPropagationMapping): each name exactly, rslave when unset.</summary>
    internal static ulong RootPropagation(string? value) => value switch
    {
        "shared" => MountFlags.SHARED,
        "rshared" => MountFlags.SHARED | MountFlags.REC,
        "slave" => MountFlags.SLAVE,
        "rslave" => MountFlags.SLAVE | MountFlags.REC,
        "private" => MountFlags.PRIVATE,
        "rprivate" => MountFlags.PRIVATE | MountFlags.REC,
        "unbindable" => MountFlags.UNBINDABLE,
        "runbindable" => MountFlags.UNBINDABLE | MountFlags.REC,
        _ => MountFlags.SLAVE | MountFlags.REC,
    };

    /// <summary>The type the container's root is given after the pivot: none when unset or private (it is private already).</summary>
    internal static ulong RootTypeAfterPivot(string? value)
    {
        if (value is null) return 0;
        ulong type = RootPropagation(value) & ~MountFlags.REC;
        return type == MountFlags.PRIVATE ? 0 : type;
    }
}
