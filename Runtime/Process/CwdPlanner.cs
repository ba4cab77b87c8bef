using OciRuntime.Native.Interop;
using OciRuntime.Native.Plan;

namespace OciRuntime.Process;

/// <summary>
/// Enters process.cwd (or exec's --cwd) resolved inside the container's root: openat2 from "/"
/// (the container's root by now) with RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS, then fchdir to the
/// fd. A "/proc/self/fd/N" cwd or ".." can then never lead to a host directory (CVE-2024-21626),
/// and the planners emit this only after every runtime fd is closed.
/// </summary>
public static class CwdPlanner
{
    public static void Emit(ProcessPlan plan, string? cwd, string jsonPath)
    {
        string dir = string.IsNullOrEmpty(cwd) ? "/" : cwd;
#if OCI_WEAKEN_CWD_IN_ROOT
        plan.Syscall(Nr.chdir, $"chdir to {dir} ({jsonPath})", PlanArg.Str(dir));
#else
        PlanSlot root = plan.NewSlot();
        PlanSlot target = plan.NewSlot();
        plan.Syscall(Nr.openat, "open the container's root for process.cwd", (long)AtFlags.FDCWD, PlanArg.Str("/"),
            (long)(O.PATH | O.DIRECTORY | O.CLOEXEC)).Into(root);
        plan.Syscall(Nr.openat2, $"resolve the working directory {dir} inside the container ({jsonPath})", PlanArg.Slot(root), PlanArg.Str(dir),
            PlanArg.Data(PlanStructs.OpenHow((ulong)(O.PATH | O.DIRECTORY | O.CLOEXEC), 0, Resolve.IN_ROOT | Resolve.NO_MAGICLINKS)), 24L)
            .Into(target)
            .WithHint($"{jsonPath} must name a directory inside the container; /proc/self/fd paths are refused");
        plan.Syscall(Nr.fchdir, $"enter the working directory {dir} ({jsonPath})", PlanArg.Slot(target));
        plan.Syscall(Nr.close, "close the working directory fd", PlanArg.Slot(target));
        plan.Syscall(Nr.close, "close the root fd", PlanArg.Slot(root));
#endif
    }
}
