using System.IO;
using OciRuntime.Commands;
using OciRuntime.Native.Interop;
using OciRuntime.Native.Plan;
using OciRuntime.Seccomp;
using OciRuntime.Spec.Config;

namespace OciRuntime.Process;

/// <summary>
/// config-linux.md "Seccomp": the filter is compiled in C# (Seccomp/), cached under
/// &lt;root&gt;/seccomp-cache, and loaded by one plan step. With a NOTIFY rule the kernel returns a
/// listener fd, which the init (or an exec'd process) hands to the runtime over the sync socket;
/// the runtime, which knows the host pid, sends it on to linux.seccomp.listenerPath
/// (SeccompListener) and then lets the process go on.
/// </summary>
public static class SeccompPlanner
{
    public const string CacheDirName = "seccomp-cache";

    public static SeccompProgram? Compile(LinuxSeccomp? spec, string stateRoot)
    {
        if (spec is null) return null;
        var cache = new SeccompProgramCache(Path.Combine(stateRoot, CacheDirName), VersionInfo.Version);
        return cache.GetOrCompile(spec, SeccompArch.HostName);
    }

    public static void Emit(ProcessPlan plan, SeccompProgram program)
    {
        PlanSlot listener = plan.NewSlot();
        plan.Op(PlanOp.Seccomp, "load the seccomp filter (linux.seccomp)", (long)program.Flags, PlanArg.Data(program.ToBytes()), (long)program.Instructions.Length)
            .Into(listener)
            .WithHint("without process.noNewPrivileges the filter is loaded while the process still has CAP_SYS_ADMIN");
        if (!program.NeedsListener) return;
        // From here any syscall a NOTIFY rule names waits for an agent that does not have the fd
        // yet: the handover is one write of the fd's number (write may not be notified), and the
        // runtime copies the fd with pidfd_getfd (runc 1.1.5's way). A sendmsg with SCM_RIGHTS
        // hung create and exec under a profile that notifies sendmsg.
        plan.Op(PlanOp.SyncSendFd, "hand the seccomp listener fd to the runtime", PlanArg.Slot(listener));
        // As runc's procSeccompDone: nothing of the process runs until its listener holds the fd,
        // and a failed delivery ends the process before it ran anything. A notified read here
        // waits for an agent that already has the fd, so the runtime's GO gets through.
        plan.Op(PlanOp.SyncWait, "wait until the runtime has sent the listener fd to linux.seccomp.listenerPath");
        // Only now: the runtime copies the fd out of this process's table while it waits above.
        plan.Syscall(Nr.close, "close the seccomp listener fd", PlanArg.Slot(listener));
    }
}
