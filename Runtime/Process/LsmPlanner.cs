using System.Runtime.CompilerServices;
using OciRuntime.Errors;
using OciRuntime.Native.Interop;
using OciRuntime.Native.Plan;
using OciRuntime.Spec.Config;

namespace OciRuntime.Process;

/// <summary>
/// process.apparmorProfile and process.selinuxLabel: written to /proc/thread-self/attr/... just before
/// execve, so they apply to the container's program and not to the runtime's own setup. When the
/// module is not enabled, a configured label is an error, as with runc 1.1 (it cannot be applied,
/// and silently running unconfined would be worse). linux.intelRdt likewise needs resctrl.
/// </summary>
public static class LsmPlanner
{
    public static void Check(ProcessSpec p, LinuxSpec? linux, Container.HostFacts host)
    {
        if (!string.IsNullOrEmpty(p.ApparmorProfile) && !host.AppArmor)
            throw new RuntimeException($"config.json: process.apparmorProfile: profile \"{p.ApparmorProfile}\" is set but AppArmor is not enabled on this host; remove the field or enable AppArmor");
        if (!string.IsNullOrEmpty(p.SelinuxLabel) && !host.Selinux)
            throw new RuntimeException("config.json: process.selinuxLabel: selinux label is specified in config, but selinux is disabled or not supported");
        if (linux?.IntelRdt is not null && !host.ResctrlMounted())
            throw new RuntimeException("config.json: linux.intelRdt: Intel RDT is configured but the resctrl filesystem is not mounted on this host (mount -t resctrl resctrl /sys/fs/resctrl, on hardware that has RDT)");
    }

    private static bool HasLabels(ProcessSpec p) => !string.IsNullOrEmpty(p.ApparmorProfile) || !string.IsNullOrEmpty(p.SelinuxLabel);

#if !OCI_WEAKEN_PROCFS_VERIFY
    // The procfs handle opened while the process is still privileged, for the label writes at exec.
    private static readonly ConditionalWeakTable<ProcessPlan, StrongBox<PlanSlot>> Handles = new();
#endif

    /// <summary>
    /// Before the credentials change: the procfs the label writes go through (CVE-2025-52881: the
    /// container's /proc/self/attr/... may have been mounted over, and a label written elsewhere
    /// leaves the process unconfined). Making a procfs needs the privileges dropped later.
    /// </summary>
    public static void EmitOpenProcfs(ProcessPlan plan, ProcessSpec p)
    {
#if !OCI_WEAKEN_PROCFS_VERIFY
        if (HasLabels(p)) Handles.AddOrUpdate(plan, new StrongBox<PlanSlot>(Rootfs.ProcfsHandle.Emit(plan, "the LSM labels")));
#endif
    }

    /// <summary>The exec labels (they take effect at the next execve), then the procfs handle is closed.</summary>
    public static void EmitExecLabels(ProcessPlan plan, ProcessSpec p)
    {
        if (!string.IsNullOrEmpty(p.ApparmorProfile))
            EmitWrite(plan, "attr/apparmor/exec", "exec " + p.ApparmorProfile, "process.apparmorProfile");
        if (!string.IsNullOrEmpty(p.SelinuxLabel))
            EmitWrite(plan, "attr/exec", p.SelinuxLabel, "process.selinuxLabel");
#if !OCI_WEAKEN_PROCFS_VERIFY
        if (HasLabels(p) && Handles.TryGetValue(plan, out StrongBox<PlanSlot>? proc))
            plan.Syscall(Nr.close, "close the procfs of the LSM labels", PlanArg.Slot(proc.Value));
#endif
    }

    private static void EmitWrite(ProcessPlan plan, string attr, string value, string where)
    {
        PlanSlot slot = plan.NewSlot();
        byte[] bytes = System.Text.Encoding.UTF8.GetBytes(value);
        string path = "/proc/thread-self/" + attr;
#if OCI_WEAKEN_PROCFS_VERIFY
        plan.Syscall(Nr.openat, $"open {path} ({where})", (long)AtFlags.FDCWD, PlanArg.Str(path), (long)(O.WRONLY | O.CLOEXEC)).Into(slot);
#else
        if (!Handles.TryGetValue(plan, out StrongBox<PlanSlot>? proc))
            throw new System.InvalidOperationException("LSM labels: EmitOpenProcfs must run before the credentials change");
        // thread-self is an ordinary symlink within the same procfs; magic links and mount
        // crossings are refused, and nothing can be mounted on a detached procfs anyway.
        plan.Syscall(Nr.openat2, $"open {path} ({where})", PlanArg.Slot(proc.Value), PlanArg.Str("thread-self/" + attr),
            PlanArg.Data(PlanStructs.OpenHow((ulong)(O.WRONLY | O.NOFOLLOW | O.CLOEXEC), 0, Resolve.BENEATH | Resolve.NO_MAGICLINKS | Resolve.NO_XDEV)), 24L).Into(slot);
#endif
        plan.Syscall(Nr.write, $"apply \"{value}\" ({where})", PlanArg.Slot(slot), PlanArg.Data(bytes), (long)bytes.Length);
        plan.Syscall(Nr.close, $"close {path}", PlanArg.Slot(slot));
    }
}
