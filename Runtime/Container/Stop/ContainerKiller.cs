using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Threading;
using OciRuntime.Errors;
using OciRuntime.Native.Interop;
using OciRuntime.State;

namespace OciRuntime.Container;

/// <summary>runtime.md "kill", with runc's messages (containerd matches "container not running").</summary>
public static class ContainerKiller
{
    public static void Kill(StateStore store, string id, int signal, bool all)
    {
        ContainerRecord r = store.Load(id);
        ContainerStatus status = ContainerStatusReader.Read(store, r);
        if (status == ContainerStatus.Stopped)
        {
            if (all) return; // runc: kill --all of a stopped container succeeds
            throw new RuntimeException("container not running");
        }
        if (all && r.CgroupPath is { } cg)
        {
            // SIGKILL to the whole cgroup atomically (cgroup.kill, Linux 5.14+): no process can
            // fork away between reading cgroup.procs and signalling. Other signals go pid by pid.
            if (signal == Signals.SIGKILL && Cgroups.CgroupV2Manager.KillAll(cg)) return;
            foreach (int pid in CgroupPids(cg)) Sys.Kill(pid, signal);
            return;
        }
        if (Sys.Kill(r.Pid, signal) < 0)
        {
            int e = Sys.LastErrno;
            if (e == Errno.ESRCH) throw new RuntimeException("container not running");
            throw new SyscallException($"kill {r.Pid} with signal {signal}", e);
        }
    }

    public static List<int> CgroupPids(string cgroup)
    {
        var pids = new List<int>();
        try
        {
            foreach (string line in File.ReadLines(Path.Combine(cgroup, "cgroup.procs")))
                if (int.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out int pid)) pids.Add(pid);
        }
        catch (IOException) { }
        return pids;
    }

    /// <summary>Waits until the init is gone (it is not our child, so poll /proc).</summary>
    public static bool WaitGone(ContainerRecord r, int timeoutMs)
    {
        for (int waited = 0; waited < timeoutMs; waited += 5)
        {
            if (!ProcessIdentity.IsAlive(r.Pid, r.PidStartTime)) return true;
            Thread.Sleep(5);
        }
        return !ProcessIdentity.IsAlive(r.Pid, r.PidStartTime);
    }
}
