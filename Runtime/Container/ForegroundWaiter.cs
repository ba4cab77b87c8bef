using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using OciRuntime.Errors;
using OciRuntime.Native.Interop;

namespace OciRuntime.Container;

/// <summary>
/// Foreground `run` and `exec`: forward the signals the runtime receives to the process, reap
/// until it exits (orphans re-parented to us, the subreaper, are reaped on the way) and turn
/// its wait status into an exit code: the status, or 128+N when killed by signal N.
/// </summary>
public static unsafe class ForegroundWaiter
{
    /// <summary>
    /// What runc forwards: every catchable signal but the ones it handles itself (SIGCHLD,
    /// SIGWINCH) or that only stop the caller's job. Raw numbers: .NET registers any of them.
    /// </summary>
    private static readonly int[] Forwarded =
    {
        Signals.SIGHUP, Signals.SIGINT, Signals.SIGQUIT, Signals.SIGTERM,
        Signals.SIGUSR1, Signals.SIGUSR2, Signals.SIGALRM,
    };

    public static int WaitAndForward(int pid)
    {
        using var forwarding = ForwardSignals(pid);
        return ExitCode(WaitFor(pid));
    }

    /// <summary>Until disposed, the forwarded signals go to pid instead of ending the runtime.</summary>
    public static IDisposable ForwardSignals(int pid)
    {
        var registrations = new List<PosixSignalRegistration>();
        foreach (int sig in Forwarded)
        {
            registrations.Add(PosixSignalRegistration.Create(ToPosixSignal(sig), ctx =>
            {
                ctx.Cancel = true;
                Sys.Kill(pid, sig);
            }));
        }
        return new Registrations(registrations);
    }

    /// <summary>.NET names the portable signals with negative values; the others are raw numbers.</summary>
    private static PosixSignal ToPosixSignal(int sig)
    {
        if (sig == Signals.SIGHUP) return PosixSignal.SIGHUP;
        if (sig == Signals.SIGINT) return PosixSignal.SIGINT;
        if (sig == Signals.SIGQUIT) return PosixSignal.SIGQUIT;
        if (sig == Signals.SIGTERM) return PosixSignal.SIGTERM;
        return (PosixSignal)sig;
    }

    public static int ExitCode(int status) =>
        (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f);

    /// <summary>Blocks until pid exits; returns its wait status.</summary>
    public static int WaitFor(int pid)
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

    /// <summary>Reaps whatever exited without blocking; true (and its status) once pid is among them.</summary>
    public static bool TryReap(int pid, out int status)
    {
        status = 0;
        while (true)
        {
            int s = 0;
            int r = Sys.WaitPid(-1, &s, Wait.WNOHANG);
            if (r == pid)
            {
                status = s;
                return true;
            }
            if (r > 0) continue;
            if (r < 0 && Sys.LastErrno == Errno.EINTR) continue;
            return false;
        }
    }

    private sealed class Registrations : IDisposable
    {
        private readonly List<PosixSignalRegistration> _list;
        public Registrations(List<PosixSignalRegistration> list) => _list = list;
        public void Dispose()
        {
            foreach (var reg in _list) reg.Dispose();
        }
    }
}
