using System;
using OciRuntime.Errors;
using OciRuntime.Native.Interop;
using OciRuntime.Native.Plan;

namespace OciRuntime.Container;

/// <summary>The parent's side of the SOCK_SEQPACKET socketpair to the init (16-byte oci_msg records).</summary>
public sealed unsafe class SyncChannel : IDisposable
{
    public int ParentFd { get; private set; }
    public int ChildFd { get; private set; }

    private SyncChannel(int parent, int child)
    {
        ParentFd = parent;
        ChildFd = child;
    }

    public static SyncChannel Create()
    {
        int* sv = stackalloc int[2];
        if (Sys.SocketPair(Sock.AF_UNIX, Sock.SOCK_SEQPACKET | Sock.SOCK_CLOEXEC, 0, sv) < 0)
            throw new SyscallException("socketpair for the init sync channel", Sys.LastErrno);
        return new SyncChannel(sv[0], sv[1]);
    }

    public void CloseChildEnd()
    {
        if (ChildFd >= 0) Sys.Close(ChildFd);
        ChildFd = -1;
    }

    public void Send(PlanMessageType type)
    {
        int* msg = stackalloc int[4];
        msg[0] = (int)type; msg[1] = 0; msg[2] = 0; msg[3] = 0;
        if (Sys.Write(ParentFd, msg, 16) != 16) throw new SyscallException("write to the init sync channel", Sys.LastErrno);
    }

    /// <summary>A message; <paramref name="Fd"/> is the fd it carried (SCM_RIGHTS), or -1.</summary>
    public readonly record struct Message(PlanMessageType Type, int Step, int Errno, int Pid, int Fd = -1);

    /// <summary>The next message, or null when the child closed its end (it exited or exec'd).</summary>
    public Message? Receive()
    {
        int* msg = stackalloc int[4];
        byte* control = stackalloc byte[64];
        while (true)
        {
            var iov = new IoVec { Base = msg, Len = 16 };
            var hdr = new MsgHdr { Iov = &iov, IovLen = 1, Control = control, ControlLen = 64 };
            nint n = Sys.RecvMsg(ParentFd, &hdr, Sock.MSG_CMSG_CLOEXEC);
            if (n < 0 && Sys.LastErrno == Errno.EINTR) continue;
            if (n < 0) throw new SyscallException("read the init sync channel", Sys.LastErrno);
            if (n == 0) return null;
            if (n != 16) throw new RuntimeException($"init sync channel: short message ({n} bytes)");
            return new Message((PlanMessageType)msg[0], msg[1], msg[2], msg[3], FdPassing.ReceivedFd(&hdr));
        }
    }

    public void Dispose()
    {
        CloseChildEnd();
        if (ParentFd >= 0) Sys.Close(ParentFd);
        ParentFd = -1;
    }
}
