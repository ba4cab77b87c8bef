using System.Collections.Generic;
using OciRuntime.Native.Interop;
using OciRuntime.Native.Plan;

namespace OciRuntime.Rootfs;

/// <summary>
/// config-linux.md "Masked Paths" and "Readonly Paths", applied after all mounts. A path that does
/// not exist is skipped, as the spec allows. A masked file gets /dev/null bound over it; a masked
/// directory (the bind fails with ENOTDIR) gets an empty read-only tmpfs.
/// </summary>
public sealed class PathMaskPlanner
{
    private readonly ProcessPlan _plan;
    private readonly SafePath _paths;
    private readonly PlanSlot _target;
    private readonly PlanSlot _tree;

    public PathMaskPlanner(ProcessPlan plan, SafePath paths)
    {
        _plan = plan;
        _paths = paths;
        _target = plan.NewSlot();
        _tree = plan.NewSlot();
    }

    public void EmitMasked(IReadOnlyList<string>? paths)
    {
        if (paths is null) return;
        for (int i = 0; i < paths.Count; i++)
        {
            string p = paths[i];
            string where = $"linux.maskedPaths[{i}] {p}";
            _paths.Open(p, _target, where).Tolerate(Errno.ENOENT, skip: 3);
            _plan.Syscall(Nr.mount, $"mask {where} with /dev/null", PlanArg.Str("/dev/null"), PlanArg.FdPath(_target), PlanArg.Null, (long)MountFlags.BIND, PlanArg.Null)
                .Tolerate(Errno.ENOTDIR).SkipIfSucceeded(1);
            _plan.Syscall(Nr.mount, $"mask directory {where} with an empty tmpfs", PlanArg.Str("tmpfs"), PlanArg.FdPath(_target), PlanArg.Str("tmpfs"),
                (long)MountFlags.RDONLY, PlanArg.Str("size=0,mode=755"));
            _plan.Syscall(Nr.close, "close a path fd", PlanArg.Slot(_target));
        }
    }

    public void EmitReadonly(IReadOnlyList<string>? paths)
    {
        if (paths is null) return;
        for (int i = 0; i < paths.Count; i++)
        {
            string p = paths[i];
            string where = $"linux.readonlyPaths[{i}] {p}";
            _paths.Open(p, _target, where).Tolerate(Errno.ENOENT, skip: 5);
            _plan.Syscall(Nr.open_tree, $"clone {where} (open_tree)", PlanArg.Slot(_target), PlanArg.Str(""),
                (long)(NewMount.OPEN_TREE_CLONE | NewMount.OPEN_TREE_CLOEXEC | AtFlags.EMPTY_PATH | AtFlags.RECURSIVE)).Into(_tree);
            _plan.Syscall(Nr.mount_setattr, $"make {where} read-only (mount_setattr)", PlanArg.Slot(_tree), PlanArg.Str(""),
                (long)(AtFlags.EMPTY_PATH | AtFlags.RECURSIVE), PlanArg.Data(PlanStructs.MountAttr(NewMount.ATTR_RDONLY, 0, 0)), 32L);
            _plan.Syscall(Nr.move_mount, $"attach read-only {where} (move_mount)", PlanArg.Slot(_tree), PlanArg.Str(""), PlanArg.Slot(_target), PlanArg.Str(""),
                (long)(NewMount.MOVE_MOUNT_F_EMPTY_PATH | NewMount.MOVE_MOUNT_T_EMPTY_PATH));
            _plan.Syscall(Nr.close, "close a mount fd", PlanArg.Slot(_tree));
            _plan.Syscall(Nr.close, "close a path fd", PlanArg.Slot(_target));
        }
    }
}
