using System;
using System.Collections.Generic;
using OciRuntime.Native.Interop;
using OciRuntime.Native.Plan;
using OciRuntime.Process;
using OciRuntime.Seccomp;
using OciRuntime.Spec.Config;

namespace OciRuntime.Container;

/// <summary>
/// The plan of a process started in a running container (`exec`): enter every namespace of the
/// init (user first; pid and time take effect for a child, so fork once more), then the same
/// process setup as the init — terminal, rlimits, fd closing, seccomp, uid/gid/capabilities,
/// no_new_privs — and execve. No exec.fifo: the sync socket closing on exec means success.
/// </summary>
public static class ExecPlanBuilder
{
    private static readonly string[] AllTypes = { "user", "ipc", "uts", "network", "pid", "cgroup", "time", "mount" };

    public sealed record Result(ProcessPlan Plan, List<int> ParentFds);

    /// <summary>The edge: probes the host, opens the init's namespaces and compiles seccomp, then composes the plan.</summary>
    public static Result Build(int initPid, ProcessSpec p, LinuxSeccomp? seccomp, LinuxPersonality? personality, string stateRoot, SyncChannel sync, int consoleSocketFd, int preserveFds)
    {
        HostFacts host = HostFacts.Probe();
        var joins = NamespaceJoiner.OpenDiffering(initPid, AllTypes, "exec");
        ProcessPlan plan;
        try
        {
            plan = Compose(p, personality, host, joins, SeccompPlanner.Compile(seccomp, stateRoot), sync.ChildFd, consoleSocketFd, preserveFds,
                IdMapWriter.SetgroupsAllowedIn(initPid), seccomp);
        }
        catch
        {
            foreach (var (_, fd) in joins) Sys.Close(fd);
            throw;
        }
        var parentFds = new List<int>();
        foreach (var (_, fd) in joins) parentFds.Add(fd);
        return new Result(plan, parentFds);
    }

    /// <summary>The exec plan as a function of the process, the host's facts and the parent's fds (PlanGoldenTests).</summary>
    /// <param name="setgroupsAllowed">False when the container's user namespace denies setgroups (a rootless runtime wrote its gid map).</param>
    /// <param name="seccompSpec">The profile <paramref name="filter"/> was compiled from (its NOTIFY rules decide how the listener fd is handed over).</param>
    public static ProcessPlan Compose(ProcessSpec p, LinuxPersonality? personality, HostFacts host, List<(string Type, int Fd)> joins, SeccompProgram? filter, int childSyncFd, int consoleSocketFd, int preserveFds,
        bool setgroupsAllowed = true, LinuxSeccomp? seccompSpec = null)
    {
        var plan = new ProcessPlan();
        // The plan starts in the sealed init, after the runtime placed this process in the
        // container's cgroup, already non-dumpable (Native/init/interpret.c).
        NamespaceJoiner.Emit(plan, joins, "exec");
        if (joins.Exists(j => j.Type is "pid" or "time"))
            plan.Op(PlanOp.Fork, "fork into the container's pid namespace");
        if (p.Terminal == true) plan.HandOver(consoleSocketFd);
        TerminalPlanner.Emit(plan, p, consoleSocketFd);
        IdentityPlanner.EmitRlimits(plan, p.Rlimits, host);
        SchedulingPlanner.EmitProcess(plan, p);
        SchedulingPlanner.EmitPersonality(plan, personality);
        SchedulingPlanner.EmitFinalAffinity(plan, p);
#if OCI_WEAKEN_CWD_IN_ROOT
        CwdPlanner.Emit(plan, p.Cwd, "process.cwd");
        FdCloser.Emit(plan, 3 + Math.Max(0, preserveFds), childSyncFd);
#else
        FdCloser.Emit(plan, 3 + Math.Max(0, preserveFds), childSyncFd);
        CwdPlanner.Emit(plan, p.Cwd, "process.cwd");
#endif
        // Its sealed init belongs to the runtime's user namespace (it joins the container's later).
        int listenerSocket = SeccompPlanner.ListenerSocket(filter, seccompSpec, host.MayPtraceOwnProcesses(), childSyncFd);
        LaunchPlanner.EmitCredentials(plan, p, filter, setgroupsAllowed, host, listenerSocket);
        LaunchPlanner.EmitLookupLabelsAndSeccomp(plan, p, filter, "", listenerSocket);
        LaunchPlanner.EmitExec(plan, p, "");
        return plan;
    }
}
