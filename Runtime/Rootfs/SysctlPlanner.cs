using System.Collections.Generic;
using OciRuntime.Native.Interop;
using OciRuntime.Native.Plan;

namespace OciRuntime.Rootfs;

/// <summary>
/// config-linux.md "Sysctl": each key written through the container's own /proc (resolved inside
/// the rootfs), from the container's namespaces, before masked and read-only paths are applied.
/// Which keys are allowed (namespaced ones only) is the validator's rule (Spec/Validation).
/// </summary>
public static class SysctlPlanner
{
    public static void Emit(ProcessPlan plan, SafePath paths, Dictionary<string, string>? sysctl)
    {
        if (sysctl is not { Count: > 0 }) return;
        PlanSlot slot = plan.NewSlot();
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
    }
}
