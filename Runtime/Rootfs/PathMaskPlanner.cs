using System.Collections.Generic;
using OciRuntime.Errors;
using OciRuntime.Native.Interop;
using OciRuntime.Native.Plan;

namespace OciRuntime.Rootfs;

/// <summary>
/// config-linux.md "Masked Paths" and "Readonly Paths", applied after all mounts. A path that does
/// not exist is skipped, as the spec allows. A masked file gets the null device bound over it; a
/// masked directory gets an empty read-only tmpfs.
///
/// CVE-2025-31133: a mask is only a mask if its source really is the null device. The runtime
/// clones /dev/null as a detached mount before the clone (open_tree) and checks that fd is char
/// 1:3 (fstat); the child binds clones of that verified mount, never whatever a path names when
/// the mount happens. Targets are resolved inside the rootfs and mounted on by fd (move_mount),
/// directories get a tmpfs made with fsopen/fsmount: no step re-resolves a path, not even
/// /proc/self/fd/N.
/// </summary>
public sealed class PathMaskPlanner
{
    private readonly ProcessPlan _plan;
    private readonly SafePath _paths;
    private readonly int _nullSourceFd;
    private readonly PlanSlot _target;
    private readonly PlanSlot _tree;
    private readonly PlanSlot _probe;
    private readonly PlanSlot _fs;

    /// <param name="nullSourceFd">The verified detached /dev/null mount from <see cref="OpenNullSource"/>, or -1.</param>
    public PathMaskPlanner(ProcessPlan plan, SafePath paths, int nullSourceFd = -1)
    {
        _plan = plan;
        _paths = paths;
        _nullSourceFd = nullSourceFd;
        _target = plan.NewSlot();
        _tree = plan.NewSlot();
        _probe = plan.NewSlot();
        _fs = plan.NewSlot();
    }

    /// <summary>
    /// Parent side, before the clone: a detached copy of the runtime's /dev/null mount, verified to
    /// be the null device. -1 when nothing is masked, or when the runtime may not clone mounts
    /// (unprivileged: EPERM); the child then opens /dev/null itself, before pivot_root, in the
    /// runtime's view of the filesystem, which the container never controls.
    /// </summary>
    public static int OpenNullSource(IReadOnlyList<string>? masked)
    {
        if (masked is not { Count: > 0 }) return -1;
#if OCI_WEAKEN_MASK_VERIFY
        return -1;   // EmitMasked binds the container's dev/null by path instead, as runc 1.1.5 did
#else
        int fd = Sys.OpenTree(AtFlags.FDCWD, "/dev/null", NewMount.OPEN_TREE_CLONE | NewMount.OPEN_TREE_CLOEXEC);
        if (fd < 0)
        {
            int e = Sys.LastErrno;
            if (e == Errno.EPERM) return -1;
            throw new SyscallException("linux.maskedPaths: clone /dev/null as the mask source (open_tree /dev/null)", e);
        }
        FileIdentity? id = FileIdentity.Of(fd);
        if (id is not { } f || !f.IsCharDevice(1, 3))
        {
            Sys.Close(fd);
            throw new RuntimeException("linux.maskedPaths: /dev/null is not the null device (character device 1:3) in the runtime's mount namespace; " +
                "refusing to mask paths with it (restore /dev/null: mknod -m 666 /dev/null c 1 3)");
        }
        return fd;
#endif
    }

    public void EmitMasked(IReadOnlyList<string>? paths)
    {
        if (paths is not { Count: > 0 }) return;
        PlanArg source;
        PlanSlot? opened = null;
        if (_nullSourceFd >= 0) source = PlanArg.Imm(_nullSourceFd);
        else
        {
            opened = _plan.NewSlot();
#if OCI_WEAKEN_MASK_VERIFY
            _plan.Syscall(Nr.openat, "open the container's /dev/null as the mask source", PlanArg.Slot(_paths.Root), PlanArg.Str("dev/null"), (long)(O.PATH | O.CLOEXEC)).Into(opened.Value);
#else
            _plan.Syscall(Nr.openat, "open /dev/null as the mask source", (long)AtFlags.FDCWD, PlanArg.Str("/dev/null"), (long)(O.PATH | O.CLOEXEC)).Into(opened.Value);
#endif
            source = PlanArg.Slot(opened.Value);
        }

        for (int i = 0; i < paths.Count; i++)
        {
            string p = paths[i];
            string where = $"linux.maskedPaths[{i}] {p}";
            PlanLabel file = _plan.NewLabel(), attachSource = _plan.NewLabel(), closeTarget = _plan.NewLabel(), next = _plan.NewLabel();
            _paths.Open(p, _target, where).Tolerate(Errno.ENOENT, next);
            // Directory or not, asked of the fd: "." beneath a non-directory is ENOTDIR.
            _plan.Syscall(Nr.openat, $"check whether {where} is a directory", PlanArg.Slot(_target), PlanArg.Str("."), (long)(O.PATH | O.DIRECTORY | O.CLOEXEC)).Into(_probe)
                .Tolerate(Errno.ENOTDIR, file);
            _plan.Syscall(Nr.close, "close a path fd", PlanArg.Slot(_probe));
            _plan.Syscall(Nr.fsopen, $"mask directory {where}: new tmpfs (fsopen)", PlanArg.Str("tmpfs"), (long)FsContext.FSOPEN_CLOEXEC).Into(_fs);
            _plan.Syscall(Nr.fsconfig, $"mask directory {where}: tmpfs source name (fsconfig)", PlanArg.Slot(_fs), (long)FsContext.FSCONFIG_SET_STRING, PlanArg.Str("source"), PlanArg.Str("tmpfs"), 0L);
            _plan.Syscall(Nr.fsconfig, $"mask directory {where}: tmpfs mode 755 (fsconfig)", PlanArg.Slot(_fs), (long)FsContext.FSCONFIG_SET_STRING, PlanArg.Str("mode"), PlanArg.Str("755"), 0L);
            _plan.Syscall(Nr.fsconfig, $"mask directory {where}: create the tmpfs (fsconfig)", PlanArg.Slot(_fs), (long)FsContext.FSCONFIG_CMD_CREATE, PlanArg.Null, PlanArg.Null, 0L);
            _plan.Syscall(Nr.fsmount, $"mask directory {where}: read-only tmpfs mount (fsmount)", PlanArg.Slot(_fs), (long)FsContext.FSMOUNT_CLOEXEC, (long)NewMount.ATTR_RDONLY).Into(_tree);
            _plan.Syscall(Nr.close, "close a filesystem context fd", PlanArg.Slot(_fs));
            _plan.Syscall(Nr.move_mount, $"mask directory {where} with an empty tmpfs (move_mount)", PlanArg.Slot(_tree), PlanArg.Str(""), PlanArg.Slot(_target), PlanArg.Str(""),
                (long)(NewMount.MOVE_MOUNT_F_EMPTY_PATH | NewMount.MOVE_MOUNT_T_EMPTY_PATH));
            _plan.Syscall(Nr.close, "close a mount fd", PlanArg.Slot(_tree)).OnSuccessJumpTo(closeTarget);
            _plan.Mark(file);
            // A clone of the verified source; the first clone of a mount detached in the runtime's
            // namespace is refused (EINVAL) by kernels before 6.15: then attach the source itself,
            // and later masks clone it where it is now attached.
            _plan.Syscall(Nr.open_tree, $"mask {where}: clone the null device mount (open_tree)", source, PlanArg.Str(""),
                (long)(NewMount.OPEN_TREE_CLONE | NewMount.OPEN_TREE_CLOEXEC | AtFlags.EMPTY_PATH)).Into(_tree).Tolerate(Errno.EINVAL, attachSource);
            _plan.Syscall(Nr.move_mount, $"mask {where} with the null device (move_mount)", PlanArg.Slot(_tree), PlanArg.Str(""), PlanArg.Slot(_target), PlanArg.Str(""),
                (long)(NewMount.MOVE_MOUNT_F_EMPTY_PATH | NewMount.MOVE_MOUNT_T_EMPTY_PATH));
            _plan.Syscall(Nr.close, "close a mount fd", PlanArg.Slot(_tree)).OnSuccessJumpTo(closeTarget);
            _plan.Mark(attachSource);
            _plan.Syscall(Nr.move_mount, $"mask {where} with the null device (move_mount)", source, PlanArg.Str(""), PlanArg.Slot(_target), PlanArg.Str(""),
                (long)(NewMount.MOVE_MOUNT_F_EMPTY_PATH | NewMount.MOVE_MOUNT_T_EMPTY_PATH));
            _plan.Mark(closeTarget);
            _plan.Syscall(Nr.close, "close a path fd", PlanArg.Slot(_target));
            _plan.Mark(next);
        }
        _plan.Syscall(Nr.close, "close the mask source", source);
    }

    public void EmitReadonly(IReadOnlyList<string>? paths)
    {
        if (paths is null) return;
        for (int i = 0; i < paths.Count; i++)
        {
            string p = paths[i];
            string where = $"linux.readonlyPaths[{i}] {p}";
            PlanLabel next = _plan.NewLabel();
            _paths.Open(p, _target, where).Tolerate(Errno.ENOENT, next);
            _plan.Syscall(Nr.open_tree, $"clone {where} (open_tree)", PlanArg.Slot(_target), PlanArg.Str(""),
                (long)(NewMount.OPEN_TREE_CLONE | NewMount.OPEN_TREE_CLOEXEC | AtFlags.EMPTY_PATH | AtFlags.RECURSIVE)).Into(_tree);
            _plan.Syscall(Nr.mount_setattr, $"make {where} read-only (mount_setattr)", PlanArg.Slot(_tree), PlanArg.Str(""),
                (long)(AtFlags.EMPTY_PATH | AtFlags.RECURSIVE), PlanArg.Data(PlanStructs.MountAttr(NewMount.ATTR_RDONLY, 0, 0)), 32L);
            _plan.Syscall(Nr.move_mount, $"attach read-only {where} (move_mount)", PlanArg.Slot(_tree), PlanArg.Str(""), PlanArg.Slot(_target), PlanArg.Str(""),
                (long)(NewMount.MOVE_MOUNT_F_EMPTY_PATH | NewMount.MOVE_MOUNT_T_EMPTY_PATH));
            _plan.Syscall(Nr.close, "close a mount fd", PlanArg.Slot(_tree));
            _plan.Syscall(Nr.close, "close a path fd", PlanArg.Slot(_target));
            _plan.Mark(next);
        }
    }
}
