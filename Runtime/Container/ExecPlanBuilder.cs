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
            plan.Syscall(Nr.close, "close the runtime's end of the sync socket", (long)sync.ParentFd);
            plan.Op(PlanOp.SyncWait, "wait for the runtime to place the process in the container's cgroup");
            plan.Syscall(Nr.prctl, "mark the process non-dumpable", (long)Prctl.SET_DUMPABLE, 0L, 0L, 0L, 0L);
            NamespaceJoiner.Emit(plan, joins, "exec");
            if (joins.Exists(j => j.Type is "pid" or "time"))
                plan.Op(PlanOp.Fork, "fork into the container's pid namespace");
            plan.Syscall(Nr.chdir, $"chdir to {p.Cwd} (process.cwd)", PlanArg.Str(string.IsNullOrEmpty(p.Cwd) ? "/" : p.Cwd))
                .WithHint("the working directory must exist inside the container");
            TerminalPlanner.Emit(plan, p, consoleSocketFd);
            IdentityPlanner.EmitRlimits(plan, p.Rlimits);
            SchedulingPlanner.EmitProcess(plan, p);
            SchedulingPlanner.EmitPersonality(plan, personality);
            SchedulingPlanner.EmitFinalAffinity(plan, p);
            FdCloser.Emit(plan, 3 + Math.Max(0, preserveFds), sync.ChildFd);

            LaunchPlanner.EmitCredentials(plan, p, SeccompPlanner.Compile(seccomp, stateRoot), setgroupsAllowed: true);
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
