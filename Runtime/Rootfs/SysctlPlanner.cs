using System.Collections.Generic;
using OciRuntime.Native.Interop;
using OciRuntime.Native.Plan;

namespace OciRuntime.Rootfs;

/// <summary>
/// config-linux.md "Sysctl": each key written from the container's namespaces, before masked and
/// read-only paths are applied. Which keys are allowed (namespaced ones only) is the validator's
/// rule (Spec/Validation).
///
/// CVE-2025-52881: the container's /proc is reachable by mounts the container's side controls (a
/// shared mount, a bind over /proc/sys/...), so a write through it could land in any file. The
/// keys are written through a procfs instance of the runtime's own instead: fsopen/fsmount give
/// a detached mount nobody else can reach or mount over, and each file is opened beneath it with
/// no symlinks, no magic links and no mount crossing.
/// </summary>
public static class SysctlPlanner
{
    private const ulong Beneath = Resolve.BENEATH | Resolve.NO_SYMLINKS | Resolve.NO_MAGICLINKS | Resolve.NO_XDEV;

    public static void Emit(ProcessPlan plan, SafePath paths, Dictionary<string, string>? sysctl)
    {
        if (sysctl is not { Count: > 0 }) return;
        PlanSlot slot = plan.NewSlot();
#if OCI_WEAKEN_PROCFS_VERIFY
        foreach (var kv in sysctl)
        {
            string path = "/proc/sys/" + kv.Key.Replace('.', '/');
            string where = $"linux.sysctl[\"{kv.Key}\"]";
            byte[] value = System.Text.Encoding.UTF8.GetBytes(kv.Value);
            paths.OpenWith(path, slot, $"{path} ({where})", O.WRONLY)
                .WithHint("the container needs /proc mounted, and the key must belong to a namespace it owns");
            plan.Syscall(Nr.write, $"write \"{kv.Value}\" to {path} ({where})", PlanArg.Slot(slot), PlanArg.Data(value), (long)value.Length);
            plan.Syscall(Nr.close, "close a sysctl file", PlanArg.Slot(slot));
        }
#else
        PlanSlot proc = ProcfsHandle.Emit(plan, "linux.sysctl");
        foreach (var kv in sysctl)
        {
            string relative = "sys/" + kv.Key.Replace('.', '/');
            string where = $"linux.sysctl[\"{kv.Key}\"]";
            byte[] value = System.Text.Encoding.UTF8.GetBytes(kv.Value);
            plan.Syscall(Nr.openat2, $"open /proc/{relative} ({where})", PlanArg.Slot(proc), PlanArg.Str(relative),
                    PlanArg.Data(PlanStructs.OpenHow((ulong)(O.WRONLY | O.NOFOLLOW | O.CLOEXEC), 0, Beneath)), 24L)
                .Into(slot).WithHint("the key must name a sysctl of a namespace the container owns");
            plan.Syscall(Nr.write, $"write \"{kv.Value}\" to /proc/{relative} ({where})", PlanArg.Slot(slot), PlanArg.Data(value), (long)value.Length);
            plan.Syscall(Nr.close, "close a sysctl file", PlanArg.Slot(slot));
        }
        plan.Syscall(Nr.close, "close the runtime's procfs", PlanArg.Slot(proc));
#endif
    }
}
