using OciRuntime.Native.Interop;
using OciRuntime.Native.Plan;

namespace OciRuntime.Rootfs;

/// <summary>
/// A procfs the plan's own writes go through (CVE-2025-52881): a fresh instance made with
/// fsopen/fsconfig/fsmount in the child, so it is procfs by construction and, being a detached
/// mount only this process holds, nothing can be mounted over any of its files. Its pid namespace
/// is the child's at that moment, so thread-self resolves to the child (or, after a pid-namespace
/// fork, to its child: an ancestor namespace sees every descendant).
/// </summary>
public static class ProcfsHandle
{
    public static PlanSlot Emit(ProcessPlan plan, string why)
    {
        PlanSlot fs = plan.NewSlot();
        PlanSlot proc = plan.NewSlot();
        plan.Syscall(Nr.fsopen, $"open a procfs context for {why} (fsopen proc)", PlanArg.Str("proc"), (long)FsContext.FSOPEN_CLOEXEC).Into(fs)
            .WithHint("the runtime writes through a procfs of its own: the container's user namespace must own its pid namespace");
        plan.Syscall(Nr.fsconfig, $"create a procfs for {why} (fsconfig)", PlanArg.Slot(fs), (long)FsContext.FSCONFIG_CMD_CREATE, PlanArg.Null, PlanArg.Null, 0L)
            .WithHint("the runtime writes through a procfs of its own: the container's user namespace must own its pid namespace");
        plan.Syscall(Nr.fsmount, $"mount a private procfs for {why} (fsmount)", PlanArg.Slot(fs), (long)FsContext.FSMOUNT_CLOEXEC,
            (long)(NewMount.ATTR_NOSUID | NewMount.ATTR_NODEV | NewMount.ATTR_NOEXEC)).Into(proc);
        plan.Syscall(Nr.close, "close a filesystem context fd", PlanArg.Slot(fs));
        return proc;
    }
}
