using System.Text;

namespace OciRuntime.Native.Interop;

/// <summary>A raw connected AF_UNIX stream socket fd (the console socket is handed to the init as an fd).</summary>
public static unsafe class UnixSocket
{
    /// <summary>Returns the connected fd, or -errno.</summary>
    public static int Connect(string path)
    {
        byte[] p = Encoding.UTF8.GetBytes(path);
        if (p.Length >= 108) return -Errno.ENAMETOOLONG;
        int fd = Sys.Socket(Sock.AF_UNIX, Sock.SOCK_STREAM | Sock.SOCK_CLOEXEC, 0);
        if (fd < 0) return -Sys.LastErrno;
        byte* addr = stackalloc byte[110];
        for (int i = 0; i < 110; i++) addr[i] = 0;
        addr[0] = (byte)Sock.AF_UNIX;
        for (int i = 0; i < p.Length; i++) addr[2 + i] = p[i];
        if (Sys.Connect(fd, addr, (uint)(2 + p.Length + 1)) < 0)
        {
            int e = Sys.LastErrno;
            Sys.Close(fd);
            return -e;
        }
        return fd;
    }
}
