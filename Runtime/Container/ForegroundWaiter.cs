using System.Collections.Generic;
using System.Runtime.InteropServices;
using OciRuntime.Errors;
using OciRuntime.Native.Interop;

namespace OciRuntime.Container;

/// <summary>
/// Foreground `run` and `exec`: forward the usual terminating signals to the process, reap
/// until it exits (orphans re-parented to us, the subreaper, are reaped on the way) and turn
/// its wait status into an exit code: the status, or 128+N when killed by signal N.
/// </summary>
public static unsafe class ForegroundWaiter
{
    public static int WaitAndForward(int pid)
    {
        var registrations = new List<PosixSignalRegistration>();
        foreach (PosixSignal s in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP, PosixSignal.SIGQUIT })
        {
            registrations.Add(PosixSignalRegistration.Create(s, ctx =>
            {
                ctx.Cancel = true;
                Sys.Kill(pid, ctx.Signal switch
                {
                    PosixSignal.SIGINT => Signals.SIGINT,
                    PosixSignal.SIGTERM => Signals.SIGTERM,
                    PosixSignal.SIGHUP => Signals.SIGHUP,
                    _ => Signals.SIGQUIT,
                });
            }));
        }
        try
        {
            int status = WaitFor(pid);
            if ((status & 0x7f) == 0) return (status >> 8) & 0xff;
            return 128 + (status & 0x7f);
        }
        finally
        {
            foreach (var reg in registrations) reg.Dispose();
        }
    }

    private static int WaitFor(int pid)
    {
        while (true)
        {
            int status = 0;
            int r = Sys.WaitPid(-1, &status, 0);
            if (r == pid) return status;
            if (r < 0)
            {
                int e = Sys.LastErrno;
                if (e == Errno.EINTR) continue;
                throw new SyscallException($"wait for process {pid}", e);
            }
        }
    }
}
