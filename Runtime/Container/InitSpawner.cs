using System;
using System.IO;
using OciRuntime.Errors;
using OciRuntime.Native.Interop;
using OciRuntime.Native.Plan;

namespace OciRuntime.Container;

/// <summary>
/// The parent's half of starting the init: clone3 through the C helper, then feed the child
/// what only the parent can do (uid/gid maps, cgroup placement, oom_score_adj) and wait until
/// it reports ready or the failing step. On failure every process it made is killed and reaped.
/// </summary>
public static unsafe class InitSpawner
{
    public readonly record struct Spawned(int Pid, int DirectChild);

    public static Spawned Spawn(InitRequest req, InitPlan init, SyncChannel sync, Action<int>? placeInCgroup, Action<int>? runCreateHooks = null)
    {
        byte[] bytes = init.Plan.Build(req.ChildSyncFd);
        int pid;
        fixed (byte* p = bytes)
            pid = HelperAbi.Spawn(p, (ulong)bytes.Length, init.Namespaces.CloneFlags, -1);
        sync.CloseChildEnd();
        foreach (int fd in init.ParentFdsForChild) Sys.Close(fd);
        if (pid < 0)
            throw new SyscallException($"clone3 of the container init (namespace flags 0x{init.Namespaces.CloneFlags:x})", -pid);

        int direct = pid, final = pid;
        try
        {
            var linux = req.Config.Config.Linux;
            if (init.Namespaces.MapsBeforeGo) IdMapWriter.Write(pid, linux, Sys.GetUid() != 0);
            if (req.Config.Config.Process?.OomScoreAdj is int adj) WriteOomScoreAdj(pid, adj);
            placeInCgroup?.Invoke(pid);
            sync.Send(PlanMessageType.Go);

            while (true)
            {
                SyncChannel.Message? m = sync.Receive();
                if (m is null) throw new RuntimeException($"container init exited before it was ready ({DescribeExit(direct)})");
                var msg = m.Value;
                switch (msg.Type)
                {
                    case PlanMessageType.Maps:
                        IdMapWriter.Write(final, linux, Sys.GetUid() != 0);
                        sync.Send(PlanMessageType.Go);
                        break;
                    case PlanMessageType.Pid:
                        final = msg.Pid;
                        Reap(direct);
                        break;
                    case PlanMessageType.Hooks:
                        runCreateHooks?.Invoke(final);
                        sync.Send(PlanMessageType.Go);
                        break;
                    case PlanMessageType.Fd:
                        try { SeccompListener.Send(linux?.Seccomp ?? new Spec.Config.LinuxSeccomp(), msg.Fd, final, req.Id, req.Config); }
                        finally { if (msg.Fd >= 0) Sys.Close(msg.Fd); }
                        break;
                    case PlanMessageType.Error:
                        throw new RuntimeException(InitErrors.Describe(init.Plan, req.Config.Config.Process, msg.Step, msg.Errno));
                    case PlanMessageType.Ready:
                        return new Spawned(final, direct);
                    default:
                        throw new RuntimeException($"init sync channel: unexpected message {msg.Type}");
                }
            }
        }
        catch
        {
            Sys.Kill(final, Signals.SIGKILL);
            if (direct != final) Sys.Kill(direct, Signals.SIGKILL);
            Reap(direct);
            throw;
        }
    }

    private static void WriteOomScoreAdj(int pid, int adj)
    {
        try { File.WriteAllText($"/proc/{pid}/oom_score_adj", adj.ToString(System.Globalization.CultureInfo.InvariantCulture)); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RuntimeException($"config.json: process.oomScoreAdj: write /proc/{pid}/oom_score_adj: {e.Message} (lowering it needs CAP_SYS_RESOURCE)");
        }
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
