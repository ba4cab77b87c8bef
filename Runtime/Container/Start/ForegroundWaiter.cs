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
        using var forwarder = ForwardSignals();
        forwarder.Target(pid);
        return ExitCode(WaitFor(pid));
    }

    /// <summary>
    /// From now until disposed, the forwarded signals no longer end the runtime: they are queued
    /// until <see cref="SignalForwarder.Target"/> names the process, then sent to it (as runc,
    /// which installs its handler before starting the process, so nothing sent meanwhile is lost).
    /// </summary>
    public static SignalForwarder ForwardSignals()
    {
        var forwarder = new SignalForwarder();
        foreach (int sig in Forwarded)
            forwarder.Add(PosixSignalRegistration.Create(ToPosixSignal(sig), ctx =>
            {
                ctx.Cancel = true;
                forwarder.Deliver(sig);
            }));
        return forwarder;
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

    /// <summary>Waits for pid (the caller forwards signals); its exit code.</summary>
    public static int Wait(int pid) => ExitCode(WaitFor(pid));

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
            int r = Sys.WaitPid(-1, &s, OciRuntime.Native.Interop.Wait.WNOHANG);
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

    public sealed class SignalForwarder : IDisposable
    {
        private readonly List<PosixSignalRegistration> _registrations = new();
        private readonly List<int> _queued = new();
        private readonly object _lock = new();
        private int _pid;

        internal void Add(PosixSignalRegistration r) => _registrations.Add(r);

        public void Target(int pid)
        {
            lock (_lock)
            {
                _pid = pid;
                foreach (int sig in _queued) Sys.Kill(pid, sig);
                _queued.Clear();
            }
        }

        internal void Deliver(int sig)
        {
            lock (_lock)
            {
                if (_pid > 0) Sys.Kill(_pid, sig);
                else _queued.Add(sig);
            }
        }

        public void Dispose()
        {
            foreach (var reg in _registrations) reg.Dispose();
        }
    }
}
