using System.Runtime.InteropServices;

namespace OciRuntime.Conformance;

/// <summary>The few libc calls the fixtures need (the console-socket receiver, pty reads, signals).</summary>
public static unsafe partial class Libc
{
    public const int SOL_SOCKET = 1;
    public const int SCM_RIGHTS = 1;
    public const int EINTR = 4;
    public const int EAGAIN = 11;
    public const short POLLIN = 0x1;

    [StructLayout(LayoutKind.Sequential)]
    public struct IoVec { public void* Base; public nuint Len; }

    [StructLayout(LayoutKind.Sequential)]
    public struct MsgHdr
    {
        public void* Name; public uint NameLen;
        public IoVec* Iov; public nuint IovLen;
        public void* Control; public nuint ControlLen;
        public int Flags;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct CmsgHdr { public nuint Len; public int Level; public int Type; }

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd { public int Fd; public short Events; public short REvents; }

    public const int MSG_CTRUNC = 0x8;
    public const int MSG_TRUNC = 0x20;
    public const int MSG_CMSG_CLOEXEC = 0x40000000;

    [LibraryImport("libc", SetLastError = true)] public static partial uint geteuid();
    [LibraryImport("libc", SetLastError = true)] public static partial nint recvmsg(int fd, MsgHdr* msg, int flags);
    [LibraryImport("libc", SetLastError = true)] public static partial nint read(int fd, byte* buf, nuint count);
    [LibraryImport("libc", SetLastError = true)] public static partial int close(int fd);
    [LibraryImport("libc", SetLastError = true)] public static partial int poll(PollFd* fds, nuint nfds, int timeout);
    [LibraryImport("libc", SetLastError = true)] public static partial int kill(int pid, int sig);

    /// <summary>readlink(2) as a string ("net:[4026531840]" for /proc/self/ns/net).</summary>
    public static string ReadLink(string path) =>
        new FileInfo(path).LinkTarget ?? throw new IOException($"{path} is not a symlink");

    /// <summary>True if the process exists and is not a zombie.</summary>
    public static bool ProcessAlive(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            int close = stat.LastIndexOf(')');
            char state = stat[close + 2];
            return state != 'Z' && state != 'X';
        }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }

    /// <summary>Reads what is available from fd within timeoutMs; empty when EOF/EIO (pty closed) or timeout.</summary>
    public static byte[] ReadSome(int fd, int timeoutMs)
    {
        var pfd = new PollFd { Fd = fd, Events = POLLIN };
        int r = poll(&pfd, 1, timeoutMs);
        if (r <= 0) return [];
        var buf = new byte[4096];
        fixed (byte* p = buf)
        {
            nint n = read(fd, p, (nuint)buf.Length);
            return n <= 0 ? [] : buf[..(int)n];
        }
    }
}
