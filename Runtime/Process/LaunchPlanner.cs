using System;
using System.Collections.Generic;
using OciRuntime.Native.Interop;
using OciRuntime.Native.Plan;
using OciRuntime.Seccomp;
using OciRuntime.Spec.Config;

namespace OciRuntime.Process;

/// <summary>
/// The end of every container process's plan, the init's and exec's alike: drop to the
/// configured identity (<see cref="EmitCredentials"/>), find argv[0] along the container's PATH
/// and apply the LSM labels, load a no_new_privs seccomp filter (<see cref="EmitLookupLabelsAndSeccomp"/>),
/// and execve. As in runc, after a no_new_privs filter only the exec handshake and execve run,
/// so a profile need not allow the PATH search or the label writes (PlanProperties checks it).
/// </summary>
public static class LaunchPlanner
{
    public const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /// <summary>
    /// Without no_new_privs, loading a filter needs CAP_SYS_ADMIN: load it before the capabilities
    /// are dropped. With it, it is loaded as late as possible (<see cref="EmitLateSeccomp"/>, runc's order).
    /// </summary>
    /// <param name="listenerSocket">-1, or where the listener fd goes by sendmsg (<see cref="SeccompPlanner.ListenerSocket"/>).</param>
    public static void EmitCredentials(ProcessPlan plan, ProcessSpec p, SeccompProgram? filter, bool setgroupsAllowed, Container.HostFacts host, int listenerSocket = -1)
    {
        bool nnp = p.NoNewPrivileges == true;
        LsmPlanner.EmitOpenProcfs(plan, p);
        if (filter is not null && !nnp) SeccompPlanner.Emit(plan, filter, listenerSocket);
        IdentityPlanner.EmitUserAndCapabilities(plan, p, setgroupsAllowed, host.CapLastCap);
        plan.Syscall(Nr.umask, "set umask (process.user.umask)", (long)(p.User.Umask ?? 0x12 /* 0022 */));
        if (nnp)
            plan.Syscall(Nr.prctl, "set no_new_privs (process.noNewPrivileges)", (long)Prctl.SET_NO_NEW_PRIVS, 1L, 0L, 0L, 0L);
    }

    /// <summary>With no_new_privs the filter is loaded here, after everything but the exec handshake and execve.</summary>
    public static void EmitLateSeccomp(ProcessPlan plan, ProcessSpec p, SeccompProgram? filter, int listenerSocket = -1)
    {
        if (filter is not null && p.NoNewPrivileges == true) SeccompPlanner.Emit(plan, filter, listenerSocket);
    }

    /// <summary>The argv[0] lookup and the exec labels, then the late seccomp filter: the steps between the credentials and the exec handshake.</summary>
    public static void EmitLookupLabelsAndSeccomp(ProcessPlan plan, ProcessSpec p, SeccompProgram? filter, string where, int listenerSocket = -1)
    {
        EmitLookup(plan, p, where);
        LsmPlanner.EmitExecLabels(plan, p);
        EmitLateSeccomp(plan, p, filter, listenerSocket);
    }

    /// <summary>Resolves argv[0] with the PATH of the process's own environment (or the default one).</summary>
    public static void EmitLookup(ProcessPlan plan, ProcessSpec p, string where)
    {
        string path = DefaultPath;
        foreach (string e in p.Env ?? new List<string>())
            if (e.StartsWith("PATH=", StringComparison.Ordinal)) path = e.Substring(5);
        plan.Op(PlanOp.Lookup, $"find the executable \"{p.Args![0]}\"{where}", PlanArg.Data(PlanStructs.StringBlock(p.Args)), (long)p.Args.Count, PlanArg.Str(path));
    }

    public static void EmitExec(ProcessPlan plan, ProcessSpec p, string where)
    {
        List<string> env = p.Env ?? new List<string>();
        plan.Op(PlanOp.Exec, $"exec \"{p.Args![0]}\"{where}", PlanArg.Data(PlanStructs.StringBlock(p.Args)), (long)p.Args.Count,
            PlanArg.Data(PlanStructs.StringBlock(env)), (long)env.Count);
    }
}
