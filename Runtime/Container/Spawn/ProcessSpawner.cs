using System;
using System.Collections.Generic;
using OciRuntime.Errors;
using OciRuntime.Native.Interop;
using OciRuntime.Native.Plan;
using OciRuntime.Spec.Config;

namespace OciRuntime.Container;

/// <summary>What the parent does at each sync-channel message of a spawned plan.</summary>
public sealed class SpawnHandlers
{
    /// <summary>Before the first GO: uid/gid maps, oom_score_adj, cgroup placement (pid = the direct child).</summary>
    public Action<int>? BeforeGo { get; init; }
    /// <summary>The child unshared a user namespace and waits for its maps.</summary>
    public Action<int>? OnMaps { get; init; }
    /// <summary>The child waits with its rootfs mounted for the create hooks.</summary>
    public Action<int>? OnHooks { get; init; }
    /// <summary>The child entered its namespaces and waits for its bind mount sources (BindSources).</summary>
    public Action<int>? OnMountSources { get; init; }
    /// <summary>The child sent an fd (the seccomp listener): (pid, fd); the spawner closes the fd, then sends GO.</summary>
    public Action<int, int>? OnFd { get; init; }
    /// <summary>exec: the channel closing (close-on-exec) means execve succeeded; init: it means the child died.</summary>
    public bool EofMeansExec { get; init; }
    public ProcessSpec? Process { get; init; }
    public string What { get; init; } = "container init";
    /// <summary>
    /// An fd of the cgroup the child must start in (clone3 CLONE_INTO_CGROUP: it never runs
    /// anywhere else), or -1. Where the kernel refuses that, <see cref="PlaceInCgroup"/> moves
    /// the child before the first GO instead.
    /// </summary>
    public int CgroupFd { get; init; } = -1;
    public Action<int>? PlaceInCgroup { get; init; }
}

/// <summary>
/// The parent's half of starting a plan: clone3 through the C helper (whose child execs the
/// sealed init, which runs the plan), feed the child what only the parent can do, and wait
/// until it reports ready (or execs) or names its failing step. On failure every process it
/// made is killed and reaped.
/// </summary>
public static unsafe class ProcessSpawner
{
    public readonly record struct Spawned(int Pid, int DirectChild);

    /// <param name="parentFdsForChild">runtime fds only the child uses: handed over to it, and closed here once it has them.</param>
    public static Spawned Spawn(ProcessPlan plan, ulong cloneFlags, SyncChannel sync, IReadOnlyCollection<int> parentFdsForChild, SpawnHandlers h)
    {
        if (Logging.RuntimeLog.DebugEnabled)
        {
            Logging.RuntimeLog.Debug($"{h.What}: clone flags 0x{cloneFlags:x}, plan of {plan.Steps.Count} steps follows");
            Logging.RuntimeLog.DebugLines($"{h.What} plan: ", PlanDump.Format(plan));
        }
        foreach (int fd in parentFdsForChild) plan.HandOver(fd);
        byte[] bytes;
        try
        {
            bytes = plan.Build(sync.ChildFd, sync.ParentFd);
            PlanVerifier.Verify(plan, bytes);
        }
        catch (PlanBugException e)
        {
            // Before the clone: nothing to clean up but the fds handed to us.
            foreach (int fd in parentFdsForChild) Sys.Close(fd);
            throw new RuntimeException($"{h.What}: {e.Message}");
        }
        bool intoCgroup = h.CgroupFd >= 0;
        int pid;
        fixed (byte* p = bytes)
        {
            pid = HelperAbi.Spawn(p, (ulong)bytes.Length, cloneFlags | (intoCgroup ? Clone.INTO_CGROUP : 0), h.CgroupFd);
            if (pid < 0 && intoCgroup && -pid is Errno.EINVAL or Errno.EOPNOTSUPP or Errno.ENOSYS or Errno.E2BIG)
            {
                intoCgroup = false;   // an older kernel or a v1 fd: place it by cgroup.procs below
                pid = HelperAbi.Spawn(p, (ulong)bytes.Length, cloneFlags, -1);
            }
        }
        sync.CloseChildEnd();
        foreach (int fd in parentFdsForChild) Sys.Close(fd);
        if (pid < 0)
            throw new SyscallException($"clone3 of the {h.What} (namespace flags 0x{cloneFlags:x})", -pid);

        int direct = pid, final = pid;
        try
        {
            if (!intoCgroup) h.PlaceInCgroup?.Invoke(pid);
            h.BeforeGo?.Invoke(pid);
            sync.Send(PlanMessageType.Go);
            while (true)
            {
                SyncChannel.Message? m = sync.Receive();
                if (m is null)
                {
                    if (h.EofMeansExec) return new Spawned(final, direct);
                    throw new RuntimeException($"{h.What} exited before it was ready ({DescribeExit(direct)})");
                }
                var msg = m.Value;
                switch (msg.Type)
                {
                    case PlanMessageType.Maps:
                        h.OnMaps?.Invoke(final);
                        sync.Send(PlanMessageType.Go);
                        break;
                    case PlanMessageType.Pid:
                        final = msg.Pid;
                        Reap(direct);
                        break;
                    case PlanMessageType.Hooks:
                        h.OnHooks?.Invoke(final);
                        sync.Send(PlanMessageType.Go);
                        break;
                    case PlanMessageType.MountSources:
                        h.OnMountSources?.Invoke(final);
                        sync.Send(PlanMessageType.Go);
                        break;
                    case PlanMessageType.Fd:
                    {
                        int fd = TakeFd(final, msg, h);
                        try { if (fd >= 0) h.OnFd?.Invoke(final, fd); }
                        finally { if (fd >= 0) Sys.Close(fd); }
                        sync.Send(PlanMessageType.Go);   // the child waits until its fd is delivered
                        break;
                    }
                    case PlanMessageType.Error:
                        throw new RuntimeException(InitErrors.Describe(plan, h.Process, msg.Step, msg.Errno));
                    case PlanMessageType.Ready:
                        return new Spawned(final, direct);
                    default:
                        throw new RuntimeException($"{h.What} sync channel: unexpected message {msg.Type}");
                }
            }
        }
        catch
        {
            Sys.Kill(final, Signals.SIGKILL);
            if (direct != final) Sys.Kill(direct, Signals.SIGKILL);
            Reap(direct);
            // The forked process is our child too (CLONE_PARENT): reap it, or it stays a zombie
            // that keeps the container's pid namespace (and so its init) from being reaped.
            if (final != direct) Reap(final);
            throw;
        }
    }

    /// <summary>
    /// The last exchange with an init that reported READY: GO once the runtime has recorded it,
    /// then its confirmation. Anything else (an error, EOF: it died) fails the create.
    /// </summary>
    public static void Release(Spawned spawned, ProcessPlan plan, SyncChannel sync, ProcessSpec? process, string what = "container init")
    {
        sync.Send(PlanMessageType.Go);
        SyncChannel.Message? m = sync.Receive();
        if (m is { Type: PlanMessageType.Ready }) return;
        if (m is { Type: PlanMessageType.Error } e)
            throw new RuntimeException(InitErrors.Describe(plan, process, e.Step, e.Errno));
        throw new RuntimeException($"{what} exited before create finished ({DescribeExit(spawned.Pid)})");
    }

    /// <summary>
    /// The fd of an FD message: attached (SCM_RIGHTS, an unprivileged runtime's exec,
    /// SeccompPlanner.ListenerSocket), or only its number, as the child sends it when its filter
    /// may notify sendmsg: one write, and we copy the fd with pidfd_getfd. The child waits for our
    /// GO meanwhile, so the fd is still open in its table and the unreaped pid still names it.
    /// </summary>
    private static int TakeFd(int sender, SyncChannel.Message msg, SpawnHandlers h)
    {
        if (msg.Fd >= 0 || h.OnFd is null) return msg.Fd;
        int fd = Pidfd.GetFd(sender, msg.Pid);
        if (fd < 0)
            throw new SyscallException($"pidfd_getfd of the seccomp listener fd {msg.Pid} of the {h.What} (pid {sender})", -fd);
        return fd;
    }

    public static int Reap(int pid)
    {
        int status = 0;
        int r;
        do r = Sys.WaitPid(pid, &status, 0); while (r < 0 && Sys.LastErrno == Errno.EINTR);
        return r < 0 ? -1 : status;
    }

    private static string DescribeExit(int pid)
    {
        int status = Reap(pid);
        if (status < 0) return "status unknown";
        if ((status & 0x7f) == 0) return $"exit status {(status >> 8) & 0xff}";
        return $"killed by signal {status & 0x7f}";
    }
}
