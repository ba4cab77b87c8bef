using System;
using OciRuntime.Errors;
using OciRuntime.Native.Interop;

namespace OciRuntime.Terminal;

/// <summary>
/// The terminal the runtime was called from, found as runc finds it (stderr, stdout, stdin, then
/// /dev/tty): put in raw mode while the container's pty is proxied, so keys reach the container
/// untouched, and restored to exactly the saved termios on dispose.
/// </summary>
public sealed unsafe class CallerTerminal : IDisposable
{
    public int Fd { get; }
    private readonly bool _ownsFd;
    private readonly byte[] _saved = new byte[TerminalIo.TermiosSize];
    private bool _raw;

    private CallerTerminal(int fd, bool ownsFd)
    {
        Fd = fd;
        _ownsFd = ownsFd;
    }

    /// <summary>Null when none of the caller's fds is a terminal and it has no controlling terminal.</summary>
    public static CallerTerminal? Find()
    {
        foreach (int fd in new[] { 2, 1, 0 })
            if (TerminalIo.IsATty(fd) == 1) return new CallerTerminal(fd, ownsFd: false);
        int tty = Sys.Open("/dev/tty", O.RDWR | O.NOCTTY | O.CLOEXEC, 0);
        if (tty < 0) return null;
        if (TerminalIo.IsATty(tty) == 1) return new CallerTerminal(tty, ownsFd: true);
        Sys.Close(tty);
        return null;
    }

    public void MakeRaw()
    {
        fixed (byte* t = _saved)
        {
            if (TerminalIo.TcGetAttr(Fd, t) < 0) throw new SyscallException("read the caller's terminal settings (tcgetattr)", Sys.LastErrno);
        }
#if !OCI_WEAKEN_TTY_RESTORE
        _raw = true;
#endif
        byte* raw = stackalloc byte[TerminalIo.TermiosSize];
        for (int i = 0; i < TerminalIo.TermiosSize; i++) raw[i] = _saved[i];
        TerminalIo.CfMakeRaw(raw);
        // As runc (containerd/console) leaves it: output processing stays, the container's pty has no ONLCR.
        *(uint*)(raw + TerminalIo.OflagOffset) |= TerminalIo.OPOST;
        if (TerminalIo.TcSetAttr(Fd, TerminalIo.TCSANOW, raw) < 0)
            throw new SyscallException("put the caller's terminal in raw mode (tcsetattr)", Sys.LastErrno);
    }

    /// <summary>The caller's window size onto the container's pty (at start and on SIGWINCH).</summary>
    public void CopySizeTo(int master)
    {
        WinSize ws;
        if (TerminalIo.IoctlWinsize(Fd, TerminalIo.TIOCGWINSZ, &ws) < 0) return;
        TerminalIo.IoctlWinsize(master, Tty.TIOCSWINSZ, &ws);
    }

    /// <summary>The caller's window size, or null when the terminal does not report one.</summary>
    public (ushort Rows, ushort Cols)? Size()
    {
        WinSize ws;
        if (TerminalIo.IoctlWinsize(Fd, TerminalIo.TIOCGWINSZ, &ws) < 0 || ws.Rows == 0 || ws.Cols == 0) return null;
        return (ws.Rows, ws.Cols);
    }

    public void Dispose()
    {
        if (_raw)
        {
            fixed (byte* t = _saved)
            {
                // TCSANOW: queued output of the container was already written; nothing to drain.
                while (TerminalIo.TcSetAttr(Fd, TerminalIo.TCSANOW, t) < 0 && Sys.LastErrno == Errno.EINTR) { }
            }
            _raw = false;
        }
        if (_ownsFd) Sys.Close(Fd);
    }
}
