using System;
using OciRuntime.Errors;
using OciRuntime.Native.Interop;

namespace OciRuntime.Terminal;

/// <summary>
/// The console socket of a foreground `run`/`exec -t` given no --console-socket: a socketpair
/// whose one end the plan hands to the process as if it were --console-socket (so the pty is
/// allocated in the container's devpts, as runc does, not on the host), and whose other end
/// receives the pty master the runtime then proxies.
/// </summary>
public sealed unsafe class ForegroundConsole : IDisposable
{
    private int _runtimeEnd = -1;

    /// <summary>True once the container side took its end: the process has a terminal to proxy.</summary>
    public bool Requested => _runtimeEnd >= 0;

    /// <summary>Makes the pair; the caller hands the returned end to the plan and closes it after the spawn.</summary>
    public int TakeContainerEnd()
    {
        if (_runtimeEnd >= 0) throw new InvalidOperationException("the foreground console was already taken");
        int* sv = stackalloc int[2];
        if (Sys.SocketPair(Sock.AF_UNIX, Sock.SOCK_STREAM | Sock.SOCK_CLOEXEC, 0, sv) < 0)
            throw new SyscallException("socketpair for the foreground terminal", Sys.LastErrno);
        _runtimeEnd = sv[0];
        return sv[1];
    }

    /// <summary>
    /// The pty master the process sent. Its plan sends it before the process can run (before
    /// create returns, before an exec'd process execs), so the message is already queued; once
    /// every copy of the container's end is closed a missing message reads as EOF, never a hang.
    /// </summary>
    public int ReceiveMaster()
    {
        byte* data = stackalloc byte[64];
        byte* control = stackalloc byte[64];
        while (true)
        {
            var iov = new IoVec { Base = data, Len = 64 };
            var hdr = new MsgHdr { Iov = &iov, IovLen = 1, Control = control, ControlLen = 64 };
            nint n = Sys.RecvMsg(_runtimeEnd, &hdr, Sock.MSG_CMSG_CLOEXEC);
            if (n < 0 && Sys.LastErrno == Errno.EINTR) continue;
            if (n < 0) throw new SyscallException("receive the pty master from the container (recvmsg)", Sys.LastErrno);
            if (n == 0) throw new RuntimeException("the container's process ended before it sent its pty master (process.terminal)");
            int fd = FdPassing.ReceivedFd(&hdr);
            if (fd < 0) throw new RuntimeException("the container sent no pty master with its console message (process.terminal)");
            return fd;
        }
    }

    public void Dispose()
    {
        if (_runtimeEnd >= 0) Sys.Close(_runtimeEnd);
        _runtimeEnd = -1;
    }
}
