using System.Collections.Generic;
using System.IO;
using OciRuntime.Errors;
using OciRuntime.Commands;
using OciRuntime.Native.Interop;
using OciRuntime.Native.Plan;
using OciRuntime.Seccomp;
using OciRuntime.Spec.Config;

namespace OciRuntime.Process;

/// <summary>
/// config-linux.md "Seccomp": the filter is compiled in C# (Seccomp/), cached under
/// &lt;root&gt;/seccomp-cache, and loaded by one plan step. With a NOTIFY rule the kernel returns a
/// listener fd, which the init (or an exec'd process) hands to the runtime over the sync socket
/// (its number, taken with pidfd_getfd: <see cref="ListenerSocket"/>); the runtime, which knows
/// the host pid, sends it on to linux.seccomp.listenerPath (SeccompListener) and then lets the
/// process go on.
/// </summary>
public static class SeccompPlanner
{
    public const string CacheDirName = "seccomp-cache";

    /// <summary>A struct oci_msg of type FD, as sent with the fd attached.</summary>
    private static readonly byte[] FdMessage = { (byte)PlanMessageType.Fd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };

    public static SeccompProgram? Compile(LinuxSeccomp? spec, string stateRoot)
    {
        if (spec is null) return null;
        var cache = new SeccompProgramCache(Path.Combine(stateRoot, CacheDirName), VersionInfo.Version);
        return cache.GetOrCompile(spec, SeccompArch.HostName);
    }

    /// <summary>
    /// How the listener fd reaches the runtime: -1, its number (one write; the runtime copies the
    /// fd with pidfd_getfd), when the runtime may ptrace the process (<paramref name="runtimeMayTakeFd"/>);
    /// else the sync socket to send it on with sendmsg(SCM_RIGHTS), as an unprivileged runtime must
    /// for an exec'd process (its memory belongs to the runtime's user namespace, where that runtime
    /// has no CAP_SYS_PTRACE: runc 1.1.5 fails such an exec with EPERM). A NOTIFY rule on sendmsg
    /// would block that sendmsg forever, so such a profile is refused then.
    /// </summary>
    public static int ListenerSocket(SeccompProgram? program, LinuxSeccomp? spec, bool runtimeMayTakeFd, int syncFd)
    {
        if (program is null || !program.NeedsListener || runtimeMayTakeFd) return -1;
        List<LinuxSyscall> rules = spec?.Syscalls ?? new List<LinuxSyscall>();
        for (int i = 0; i < rules.Count; i++)
            for (int j = 0; j < rules[i].Names.Count; j++)
                if (rules[i].Action == "SCMP_ACT_NOTIFY" && rules[i].Names[j] == "sendmsg")
                    throw new RuntimeException($"config.json: linux.seccomp.syscalls[{i}].names[{j}]: SCMP_ACT_NOTIFY on sendmsg " +
                        "blocks the hand-over of the listener fd when the runtime has no CAP_SYS_PTRACE to take it with pidfd_getfd: " +
                        "give the runtime CAP_SYS_PTRACE or drop the rule");
        return syncFd;
    }

    /// <param name="listenerSocket">-1, or where to send the listener fd with sendmsg (<see cref="ListenerSocket"/>).</param>
    public static void Emit(ProcessPlan plan, SeccompProgram program, int listenerSocket = -1)
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
        if (listenerSocket < 0)
            plan.Op(PlanOp.SyncSendFd, "hand the seccomp listener fd to the runtime", PlanArg.Slot(listener));
        else
            plan.Op(PlanOp.SendFd, "send the seccomp listener fd to the runtime", (long)listenerSocket,
                PlanArg.Data(FdMessage), (long)FdMessage.Length, PlanArg.Slot(listener));
        // As runc's procSeccompDone: nothing of the process runs until its listener holds the fd,
        // and a failed delivery ends the process before it ran anything. A notified read here
        // waits for an agent that already has the fd, so the runtime's GO gets through.
        plan.Op(PlanOp.SyncWait, "wait until the runtime has sent the listener fd to linux.seccomp.listenerPath");
        // Only now: the runtime copies the fd out of this process's table while it waits above.
        plan.Syscall(Nr.close, "close the seccomp listener fd", PlanArg.Slot(listener));
    }
}
