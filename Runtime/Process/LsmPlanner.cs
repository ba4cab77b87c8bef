using OciRuntime.Errors;
using OciRuntime.Native.Interop;
using OciRuntime.Native.Plan;
using OciRuntime.Spec.Config;

namespace OciRuntime.Process;

/// <summary>
/// process.apparmorProfile and process.selinuxLabel: written to /proc/self/attr/... just before
/// execve, so they apply to the container's program and not to the runtime's own setup. When the
/// module is not enabled, a configured label is an error, as with runc 1.1 (it cannot be applied,
/// and silently running unconfined would be worse). linux.intelRdt likewise needs resctrl.
/// </summary>
public static class LsmPlanner
{
    public static void Check(ProcessSpec p, LinuxSpec? linux)
    {
        if (!string.IsNullOrEmpty(p.ApparmorProfile) && !SecurityModules.AppArmorEnabled)
            throw new RuntimeException($"config.json: process.apparmorProfile: profile \"{p.ApparmorProfile}\" is set but AppArmor is not enabled on this host; remove the field or enable AppArmor");
        if (!string.IsNullOrEmpty(p.SelinuxLabel) && !SecurityModules.SelinuxEnabled)
            throw new RuntimeException("config.json: process.selinuxLabel: selinux label is specified in config, but selinux is disabled or not supported");
        if (linux?.IntelRdt is not null && !SecurityModules.ResctrlMounted())
            throw new RuntimeException("config.json: linux.intelRdt: Intel RDT is configured but the resctrl filesystem is not mounted on this host (mount -t resctrl resctrl /sys/fs/resctrl, on hardware that has RDT)");
    }

    public static void EmitExecLabels(ProcessPlan plan, ProcessSpec p)
    {
        if (!string.IsNullOrEmpty(p.ApparmorProfile))
            EmitWrite(plan, "/proc/self/attr/apparmor/exec", "exec " + p.ApparmorProfile, "process.apparmorProfile");
        if (!string.IsNullOrEmpty(p.SelinuxLabel))
            EmitWrite(plan, "/proc/self/attr/exec", p.SelinuxLabel, "process.selinuxLabel");
    }

    private static void EmitWrite(ProcessPlan plan, string path, string value, string where)
    {
        PlanSlot slot = plan.NewSlot();
        byte[] bytes = System.Text.Encoding.UTF8.GetBytes(value);
        plan.Syscall(Nr.openat, $"open {path} ({where})", (long)AtFlags.FDCWD, PlanArg.Str(path), (long)(O.WRONLY | O.CLOEXEC)).Into(slot);
        plan.Syscall(Nr.write, $"apply \"{value}\" ({where})", PlanArg.Slot(slot), PlanArg.Data(bytes), (long)bytes.Length);
        plan.Syscall(Nr.close, $"close {path}", PlanArg.Slot(slot));
    }
}
