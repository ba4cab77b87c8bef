using System;
using System.Collections.Generic;
using OciRuntime.Native.Interop;
using OciRuntime.Native.Plan;
using OciRuntime.Process;
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

    public static Result Build(int initPid, ProcessSpec p, LinuxSeccomp? seccomp, LinuxPersonality? personality, string stateRoot, SyncChannel sync, int consoleSocketFd, int preserveFds)
    {
        var plan = new ProcessPlan();
        var joins = NamespaceJoiner.OpenDiffering(initPid, AllTypes, "exec");
        try
        {
            // The plan starts in the sealed init, after the runtime placed this process in the
            // container's cgroup, already non-dumpable (Native/init/interpret.c).
            NamespaceJoiner.Emit(plan, joins, "exec");
            if (joins.Exists(j => j.Type is "pid" or "time"))
                plan.Op(PlanOp.Fork, "fork into the container's pid namespace");
            if (p.Terminal == true) plan.HandOver(consoleSocketFd);
            TerminalPlanner.Emit(plan, p, consoleSocketFd);
            IdentityPlanner.EmitRlimits(plan, p.Rlimits);
            SchedulingPlanner.EmitProcess(plan, p);
            SchedulingPlanner.EmitPersonality(plan, personality);
            SchedulingPlanner.EmitFinalAffinity(plan, p);
#if OCI_WEAKEN_CWD_IN_ROOT
            CwdPlanner.Emit(plan, p.Cwd, "process.cwd");
            FdCloser.Emit(plan, 3 + Math.Max(0, preserveFds), sync.ChildFd);
#else
            FdCloser.Emit(plan, 3 + Math.Max(0, preserveFds), sync.ChildFd);
            CwdPlanner.Emit(plan, p.Cwd, "process.cwd");
#endif

            LaunchPlanner.EmitCredentials(plan, p, SeccompPlanner.Compile(seccomp, stateRoot), setgroupsAllowed: IdMapWriter.SetgroupsAllowedIn(initPid));
            LaunchPlanner.EmitLookup(plan, p, "");
            LaunchPlanner.EmitExec(plan, p, "");
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
}
