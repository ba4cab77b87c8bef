using System.Text;

namespace OciRuntime.Native.Interop;

/// <summary>A raw connected AF_UNIX stream socket fd (the console socket is handed to the init as an fd).</summary>
public static unsafe class UnixSocket
{
    /// <summary>
    /// How long connect (and any later send on the fd) may block. A unix stream connect to a
    /// listener whose backlog is full sleeps until it accepts: with a listener that never does,
    /// the runtime and its caller would hang for good. SO_SNDTIMEO bounds that sleep (the kernel's
    /// unix_stream_connect waits with the send timeout) and connect then fails with EAGAIN, which
    /// runc reports at once (Go's non-blocking connect); we give a busy peer a few seconds first.
    /// </summary>
    public const int SendTimeoutSeconds = 5;

    /// <summary>Returns the connected fd, or -errno (-EAGAIN: the peer accepted nothing within <see cref="SendTimeoutSeconds"/>).</summary>
    public static int Connect(string path)
    {
        byte[] p = Encoding.UTF8.GetBytes(path);
        if (p.Length >= 108) return -Errno.ENAMETOOLONG;
        int fd = Sys.Socket(Sock.AF_UNIX, Sock.SOCK_STREAM | Sock.SOCK_CLOEXEC, 0);
        if (fd < 0) return -Sys.LastErrno;
#if !OCI_WEAKEN_SOCKET_TIMEOUT
        long* timeout = stackalloc long[2] { SendTimeoutSeconds, 0 }; // struct timeval
        if (Sys.SetSockOpt(fd, Sock.SOL_SOCKET, Sock.SO_SNDTIMEO, timeout, 16) < 0)
        {
            int e = Sys.LastErrno;
            Sys.Close(fd);
            return -e;
        }
#endif
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

    /// <summary>The error text for a failed <see cref="Connect"/>, with what to check when the peer never accepted.</summary>
    public static string ConnectError(string what, int errno) => errno == Errno.EAGAIN
        ? $"{what}: its listen backlog stayed full for {SendTimeoutSeconds} s (EAGAIN): is the process that owns the socket accepting connections?"
        : $"{what}: {Sys.ErrnoText(errno)}";
}
