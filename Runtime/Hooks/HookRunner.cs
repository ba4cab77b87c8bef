using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text;
using OciRuntime.Container;
using OciRuntime.Errors;
using OciRuntime.Native.Interop;
using OciRuntime.Native.Plan;
using OciRuntime.Spec.Config;

namespace OciRuntime.Hooks;

/// <summary>
/// Runs config.md "POSIX-platform Hooks": path executed with args and env, the state JSON on
/// stdin, killed after `timeout` seconds. A hook that must run in the container's namespaces
/// (createContainer, startContainer) is spawned like the init: clone3 into a C plan that setns's
/// into the namespaces of <c>joinPid</c> and execs, so no managed code runs after the fork.
/// Joining the pid namespace takes one more fork (it applies to children); the runtime is the
/// hook's subreaper meanwhile, so it can still wait for it.
/// </summary>
public static unsafe class HookRunner
{
    private static readonly string[] JoinTypes = { "user", "ipc", "uts", "network", "pid", "cgroup", "mount" };

    /// <param name="cwd">the hook's working directory (runc's: the bundle for prestart and createRuntime,
    /// the rootfs for createContainer); null keeps the runtime's, or the namespace's root after a mount join.</param>
    public static void RunAll(string phase, List<HookSpec>? hooks, byte[] state, int joinPid = -1, HookCredentials? credentials = null, string? cwd = null)
    {
        if (hooks is null) return;
        for (int i = 0; i < hooks.Count; i++) Run(phase, i, hooks[i], state, joinPid, credentials, cwd);
    }

    /// <summary>Runs every hook; failures become warnings (poststart, poststop).</summary>
    public static void RunAllWarnOnly(string phase, List<HookSpec>? hooks, byte[] state)
    {
        if (hooks is null) return;
        for (int i = 0; i < hooks.Count; i++)
        {
            try { Run(phase, i, hooks[i], state, -1, null, null); }
            catch (RuntimeException e) { Logging.RuntimeLog.Warning(e.Message); }
        }
    }

    public static void Run(string phase, int index, HookSpec hook, byte[] state, int joinPid, HookCredentials? credentials, string? cwd)
    {
        string what = $"{phase} hook {hook.Path} (hooks.{phase}[{index}])";
        int* stdinPipe = stackalloc int[2];
        int* outPipe = stackalloc int[2];
        if (Sys.Pipe2(stdinPipe, O.CLOEXEC) < 0) throw new SyscallException($"{what}: pipe", Sys.LastErrno);
        if (Sys.Pipe2(outPipe, O.CLOEXEC) < 0) { int e = Sys.LastErrno; Sys.Close(stdinPipe[0]); Sys.Close(stdinPipe[1]); throw new SyscallException($"{what}: pipe", e); }
        using var sync = SyncChannel.Create();
        var joinFds = joinPid > 0 ? NamespaceJoiner.OpenDiffering(joinPid, JoinTypes, what) : new List<(string Type, int Fd)>();
        // Joining the pid namespace makes the hook a grandchild: stay its reaper so we can wait for it.
        if (joinFds.Exists(j => j.Type == "pid")) Sys.Prctl(Prctl.SET_CHILD_SUBREAPER, 1, 0, 0, 0);
        int pid;
        try
        {
            ProcessPlan plan;
            try { plan = BuildPlan(hook, joinFds, stdinPipe[0], outPipe[1], sync, what, credentials, cwd); }
            catch (PlanStringException e) { throw new HookException($"{what}: {e.Message}"); }
            // The parent closes the pipe ends the child uses once the child has them (spawn returns).
            var parentFds = new List<int> { stdinPipe[0], outPipe[1] };
            foreach (var (_, fd) in joinFds) parentFds.Add(fd);
            pid = ProcessSpawner.Spawn(plan, 0, sync, parentFds,
                new SpawnHandlers { EofMeansExec = true, What = what, Process = new ProcessSpec { Args = new List<string> { hook.Path } } }).Pid;
        }
        catch (RuntimeException e) when (e is not HookException)
        {
            Sys.Close(stdinPipe[1]);
            Sys.Close(outPipe[0]);
            throw new HookException($"{what} cannot start: {e.Message}");
        }
        catch
        {
            Sys.Close(stdinPipe[1]);
            Sys.Close(outPipe[0]);
            throw;
        }
        WriteAll(stdinPipe[1], state);
        Sys.Close(stdinPipe[1]);
        WaitWithTimeout(pid, outPipe[0], hook.Timeout, what);
    }

    private static ProcessPlan BuildPlan(HookSpec hook, List<(string Type, int Fd)> joinFds, int stdinRead, int outWrite, SyncChannel sync, string what, HookCredentials? credentials, string? cwd)
    {
        var plan = new ProcessPlan();
        NamespaceJoiner.Emit(plan, joinFds, what);
        if (joinFds.Exists(j => j.Type == "pid"))
            plan.Op(PlanOp.Fork, $"{what}: fork into the container's pid namespace");
        if (cwd is not null)
            plan.Syscall(Nr.chdir, $"{what}: enter its working directory {cwd}", PlanArg.Str(cwd));
        plan.Syscall(Nr.dup3, "stdin from the state pipe", (long)stdinRead, 0L, 0L);
        plan.Syscall(Nr.dup3, "stdout to the runtime", (long)outWrite, 1L, 0L);
        plan.Syscall(Nr.dup3, "stderr to the runtime", (long)outWrite, 2L, 0L);
        Process.FdCloser.Emit(plan, 3, sync.ChildFd);
        if (credentials is not null)
            Process.LaunchPlanner.EmitCredentials(plan, credentials.Process, credentials.Filter, credentials.SetgroupsAllowed, Container.HostFacts.Probe());
        List<string> args = hook.Args is { Count: > 0 } a ? a : new List<string> { hook.Path };
        List<string> env = hook.Env ?? new List<string>();
        plan.Op(PlanOp.Lookup, $"find {what}", PlanArg.Data(PlanStructs.StringBlock(new[] { hook.Path })), 1L, PlanArg.Str(""));
        if (credentials is not null)
            Process.LaunchPlanner.EmitLateSeccomp(plan, credentials.Process, credentials.Filter);
        plan.Op(PlanOp.Exec, $"exec {what}", PlanArg.Data(PlanStructs.StringBlock(args)), (long)args.Count, PlanArg.Data(PlanStructs.StringBlock(env)), (long)env.Count);
        return plan;
    }

    private static void WriteAll(int fd, byte[] data)
    {
        int off = 0;
        fixed (byte* p = data)
        {
            while (off < data.Length)
            {
                nint n = Sys.Write(fd, p + off, (nuint)(data.Length - off));
                if (n < 0)
                {
                    int e = Sys.LastErrno;
                    if (e == Errno.EINTR) continue;
                    return; // EPIPE: the hook does not read stdin; that is its business
                }
                off += (int)n;
            }
        }
    }

    private static void WaitWithTimeout(int pid, int outFd, int? timeoutSeconds, string what)
    {
        Sys.FcntlInt(outFd, 4 /* F_SETFL */, O.NONBLOCK);
        var output = new MemoryStream();
        byte* buf = stackalloc byte[4096];
        var clock = Stopwatch.StartNew();
        try
        {
            while (true)
            {
                nint n;
                while ((n = Sys.Read(outFd, buf, 4096)) > 0)
                    if (output.Length < 64 * 1024) output.Write(new ReadOnlySpan<byte>(buf, (int)n));
                int status = 0;
                int r = Sys.WaitPid(pid, &status, Wait.WNOHANG);
                if (r == pid)
                {
                    string text = Encoding.UTF8.GetString(output.ToArray()).Trim();
                    if ((status & 0x7f) == 0 && ((status >> 8) & 0xff) == 0) return;
                    string how = (status & 0x7f) == 0 ? $"exit status {(status >> 8) & 0xff}" : $"killed by signal {status & 0x7f}";
                    throw new HookException($"{what} failed: {how}{(text.Length > 0 ? ": " + text : "")}");
                }
                if (timeoutSeconds is int t && clock.Elapsed.TotalSeconds >= t)
                {
                    Sys.Kill(pid, Signals.SIGKILL);
                    ProcessSpawner.Reap(pid);
                    throw new HookException($"{what} timed out after {t}s and was killed");
                }
                System.Threading.Thread.Sleep(2);
            }
        }
        finally
        {
            Sys.Close(outFd);
        }
    }
}
