namespace OciRuntime.Native.Interop;

/// <summary>One fd attached to a message (SCM_RIGHTS) on a unix socket: sending it, and finding it in a received one.</summary>
public static unsafe class FdPassing
{
    /// <summary>Returns 0 or -errno.</summary>
    public static int Send(int socket, byte[] data, int fd)
    {
        byte* control = stackalloc byte[24];   // CMSG_SPACE(sizeof(int)) on 64-bit
        for (int i = 0; i < 24; i++) control[i] = 0;
        *(nuint*)control = 20;                 // CMSG_LEN(sizeof(int))
        *(int*)(control + 8) = Sock.SOL_SOCKET;
        *(int*)(control + 12) = Sock.SCM_RIGHTS;
        *(int*)(control + 16) = fd;
        fixed (byte* d = data)
        {
            var iov = new IoVec { Base = d, Len = (nuint)data.Length };
            var hdr = new MsgHdr { Iov = &iov, IovLen = 1, Control = control, ControlLen = 24 };
            nint n;
            do n = Sys.SendMsg(socket, &hdr, 0x4000 /* MSG_NOSIGNAL */); while (n < 0 && Sys.LastErrno == Errno.EINTR);
            return n < 0 ? -Sys.LastErrno : 0;
        }
    }

    /// <summary>The first SCM_RIGHTS fd in a received message's control data (struct cmsghdr: len, level, type, data), or -1.</summary>
    public static int ReceivedFd(MsgHdr* hdr)
    {
        if (hdr->ControlLen < 20) return -1;
        byte* c = (byte*)hdr->Control;
        nuint len = *(nuint*)c;
        int level = *(int*)(c + 8), type = *(int*)(c + 12);
        return level == Sock.SOL_SOCKET && type == Sock.SCM_RIGHTS && len >= 20 ? *(int*)(c + 16) : -1;
    }
}
