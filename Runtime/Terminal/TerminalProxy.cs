using System;
using System.Runtime.InteropServices;
using OciRuntime.Container;
using OciRuntime.Errors;
using OciRuntime.Native.Interop;

namespace OciRuntime.Terminal;

/// <summary>
/// Foreground terminal: copies the caller's stdin to the container's pty master and the master
/// to the caller's stdout until the process exits, with one poll over raw fds (stdin, master,
/// a pidfd of the process). The caller's terminal is raw meanwhile and restored on every way
/// out; its window size follows SIGWINCH (the caller forwards the other signals, see
/// <see cref="ForegroundWaiter.ForwardSignals"/>). Returns the process's exit code (128+N if killed by N).
/// </summary>
public sealed unsafe class TerminalProxy : IDisposable
{
    private const int BufferSize = 32 * 1024;
    /// <summary>After the exit, output still queued in the pty is drained until it stays quiet this long.</summary>
    private const int DrainIdleMs = 100;
    private const int FGetFl = 3, FSetFl = 4;

    private readonly int _master;
    private readonly CallerTerminal? _caller;
    private readonly PosixSignalRegistration? _winch;

    private TerminalProxy(int master, CallerTerminal? caller, PosixSignalRegistration? winch)
    {
        _master = master;
        _caller = caller;
        _winch = winch;
    }

    /// <summary>
    /// Takes the pty master: the container's pty gets the caller's size and no ONLCR (the
    /// caller's terminal, raw but with OPOST as runc leaves it, turns \n into \r\n once),
    /// and the caller's terminal goes raw. Done before `start` so the process never sees the
    /// pty without them.
    /// </summary>
    public static TerminalProxy Attach(int master)
    {
        CallerTerminal? caller = null;
        PosixSignalRegistration? winch = null;
        try
        {
            ClearOnlcr(master);
            // Non-blocking: a container that stops reading its input must not stop its output.
            int flags = Sys.FcntlInt(master, FGetFl, 0);
            if (flags >= 0) Sys.FcntlInt(master, FSetFl, flags | O.NONBLOCK);
            caller = CallerTerminal.Find();
            if (caller is not null)
            {
                CallerTerminal c = caller;
                c.CopySizeTo(master);
                winch = PosixSignalRegistration.Create(PosixSignal.SIGWINCH, _ => c.CopySizeTo(master));
                c.MakeRaw();
            }
            return new TerminalProxy(master, caller, winch);
        }
        catch
        {
            winch?.Dispose();
            caller?.Dispose();
            Sys.Close(master);
            throw;
        }
    }

    /// <summary>Proxies until pid exits; its exit code (128+N if killed by signal N).</summary>
    public int Run(int pid)
    {
        int pidfd = TerminalIo.PidfdOpen(pid);
        try
        {
            int status = Proxy(_master, pid, pidfd);
            Drain(_master);
            return ForegroundWaiter.ExitCode(status);
        }
        finally
        {
            if (pidfd >= 0) Sys.Close(pidfd);
        }
    }

    /// <summary>Restores the caller's terminal: on every way out, errors and forwarded signals included.</summary>
    public void Dispose()
    {
        _winch?.Dispose();
        _caller?.Dispose();
        Sys.Close(_master);
    }

    /// <summary>termios ioctls on a pty master act on its slave: the container's side.</summary>
    private static void ClearOnlcr(int master)
    {
        byte* t = stackalloc byte[TerminalIo.TermiosSize];
        if (TerminalIo.TcGetAttr(master, t) < 0) throw new SyscallException("read the container's pty settings (tcgetattr)", Sys.LastErrno);
        *(uint*)(t + TerminalIo.OflagOffset) &= ~TerminalIo.ONLCR;
        if (TerminalIo.TcSetAttr(master, TerminalIo.TCSANOW, t) < 0)
            throw new SyscallException("clear ONLCR on the container's pty (tcsetattr)", Sys.LastErrno);
    }

    /// <summary>Copies both ways until the process exits; returns its wait status.</summary>
    private static int Proxy(int master, int pid, int pidfd)
    {
        byte[] buffer = new byte[BufferSize];
        byte[] pending = new byte[BufferSize];
        int pendingStart = 0, pendingEnd = 0;
        bool stdinOpen = true, masterOpen = true, stdoutOpen = true;
        PollFd* fds = stackalloc PollFd[3];
        fixed (byte* buf = buffer, pend = pending)
        {
            while (true)
            {
                if (ForegroundWaiter.TryReap(pid, out int status)) return status;
                int n = 0, iMaster = -1, iStdin = -1, iPid = -1;
                if (masterOpen)
                {
                    iMaster = n;
                    fds[n++] = new PollFd { Fd = master, Events = (short)(Poll.IN | (pendingEnd > pendingStart ? 0x4 /* POLLOUT */ : 0)) };
                }
                if (stdinOpen && masterOpen && pendingEnd == pendingStart)
                {
                    iStdin = n;
                    fds[n++] = new PollFd { Fd = 0, Events = Poll.IN };
                }
                if (pidfd >= 0)
                {
                    iPid = n;
                    fds[n++] = new PollFd { Fd = pidfd, Events = Poll.IN };
                }
                // Without a pidfd (kernel before 5.3) the exit is noticed by polling waitpid.
                TimeSpec timeout = new() { Sec = 0, NSec = 50_000_000 };
                int r = Sys.PPoll(fds, (nuint)n, pidfd >= 0 ? null : &timeout, null);
                if (r < 0)
                {
                    if (Sys.LastErrno == Errno.EINTR) continue;
                    throw new SyscallException("poll the container's terminal", Sys.LastErrno);
                }
                if (iPid >= 0 && fds[iPid].REvents != 0)
                    return ForegroundWaiter.WaitFor(pid);
                if (iMaster >= 0 && (fds[iMaster].REvents & (Poll.IN | Poll.HUP | Poll.ERR)) != 0)
                {
                    nint got = Sys.Read(master, buf, BufferSize);
                    if (got > 0) stdoutOpen = stdoutOpen && WriteAll(1, buf, (int)got);
                    else if (got == 0 || Sys.LastErrno != Errno.EINTR && Sys.LastErrno != Errno.EAGAIN)
                        masterOpen = false; // EIO: no process holds the pty any more
                }
                if (iMaster >= 0 && masterOpen && (fds[iMaster].REvents & 0x4) != 0)
                {
                    nint wrote = Sys.Write(master, pend + pendingStart, (nuint)(pendingEnd - pendingStart));
                    if (wrote > 0) pendingStart += (int)wrote;
                    else if (wrote < 0 && Sys.LastErrno != Errno.EINTR && Sys.LastErrno != Errno.EAGAIN) masterOpen = false;
                    if (pendingStart == pendingEnd) pendingStart = pendingEnd = 0;
                }
                if (iStdin >= 0 && (fds[iStdin].REvents & (Poll.IN | Poll.HUP | Poll.ERR)) != 0)
                {
                    nint got = Sys.Read(0, pend, BufferSize);
                    if (got > 0) { pendingStart = 0; pendingEnd = (int)got; }
                    else if (got == 0 || Sys.LastErrno != Errno.EINTR && Sys.LastErrno != Errno.EAGAIN)
                        stdinOpen = false; // the caller's input ended: the container keeps its pty
                }
                if (iStdin >= 0 && (fds[iStdin].REvents & Poll.NVAL) != 0) stdinOpen = false;
            }
        }
    }

    /// <summary>The output the process wrote just before exiting (pty data reaches the master asynchronously).</summary>
    private static void Drain(int master)
    {
        byte* buf = stackalloc byte[4096];
        var pfd = new PollFd { Fd = master, Events = Poll.IN };
        while (true)
        {
            pfd.REvents = 0;
            TimeSpec idle = new() { Sec = 0, NSec = DrainIdleMs * 1_000_000L };
            int r = Sys.PPoll(&pfd, 1, &idle, null);
            if (r < 0 && Sys.LastErrno == Errno.EINTR) continue;
            if (r <= 0) return;
            nint got = Sys.Read(master, buf, 4096);
            if (got <= 0) return;
            if (!WriteAll(1, buf, (int)got)) return;
        }
    }

    /// <summary>False when stdout is gone (its output is then dropped, the process is still waited for).</summary>
    private static bool WriteAll(int fd, byte* p, int len)
    {
        while (len > 0)
        {
            nint w = Sys.Write(fd, p, (nuint)len);
            if (w < 0)
            {
                if (Sys.LastErrno == Errno.EINTR) continue;
                return false;
            }
            p += w;
            len -= (int)w;
        }
        return true;
    }
}
