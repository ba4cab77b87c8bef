using System.Runtime.InteropServices;

namespace OciRuntime.Native.Interop;

/// <summary>
/// Raw libc bindings used by the runtime process itself (never by a cloned child: that runs
/// only the C plan interpreter). Every syscall binding of the project lives in this folder.
/// Functions return -1 and set errno, read it with <see cref="Marshal.GetLastPInvokeError"/>.
/// </summary>
public static unsafe partial class Sys
{
    private const string Libc = "libc";

    [LibraryImport(Libc, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags, int mode);

    [LibraryImport(Libc, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport(Libc, EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fd, void* buf, nuint count);

    [LibraryImport(Libc, EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, void* buf, nuint count);

    [LibraryImport(Libc, EntryPoint = "mkfifo", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Mkfifo(string path, uint mode);

    [LibraryImport(Libc, EntryPoint = "renameat2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int RenameAt2(int olddirfd, string oldpath, int newdirfd, string newpath, uint flags);

    [LibraryImport(Libc, EntryPoint = "fcntl", SetLastError = true)]
    public static partial int FcntlLock(int fd, int cmd, Flock* lk);

    [LibraryImport(Libc, EntryPoint = "fcntl", SetLastError = true)]
    public static partial int FcntlInt(int fd, int cmd, int arg);

    [LibraryImport(Libc, EntryPoint = "pipe2", SetLastError = true)]
    public static partial int Pipe2(int* fds, int flags);

    [LibraryImport(Libc, EntryPoint = "socketpair", SetLastError = true)]
    public static partial int SocketPair(int domain, int type, int protocol, int* sv);

    [LibraryImport(Libc, EntryPoint = "socket", SetLastError = true)]
    public static partial int Socket(int domain, int type, int protocol);

    [LibraryImport(Libc, EntryPoint = "connect", SetLastError = true)]
    public static partial int Connect(int fd, void* addr, uint addrlen);

    [LibraryImport(Libc, EntryPoint = "setsockopt", SetLastError = true)]
    public static partial int SetSockOpt(int fd, int level, int name, void* value, uint length);

    [LibraryImport(Libc, EntryPoint = "bind", SetLastError = true)]
    public static partial int Bind(int fd, void* addr, uint addrlen);

    [LibraryImport(Libc, EntryPoint = "sendmsg", SetLastError = true)]
    public static partial nint SendMsg(int fd, MsgHdr* msg, int flags);

    [LibraryImport(Libc, EntryPoint = "recvmsg", SetLastError = true)]
    public static partial nint RecvMsg(int fd, MsgHdr* msg, int flags);

    [LibraryImport(Libc, EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int sig);

    [LibraryImport(Libc, EntryPoint = "waitpid", SetLastError = true)]
    public static partial int WaitPid(int pid, int* status, int options);

    [LibraryImport(Libc, EntryPoint = "prctl", SetLastError = true)]
    public static partial int Prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);

    [LibraryImport(Libc, EntryPoint = "getuid")]
    public static partial uint GetUid();

    [LibraryImport(Libc, EntryPoint = "getgid")]
    public static partial uint GetGid();

    [LibraryImport(Libc, EntryPoint = "geteuid")]
    public static partial uint GetEuid();

    [LibraryImport(Libc, EntryPoint = "getegid")]
    public static partial uint GetEgid();

    [LibraryImport(Libc, EntryPoint = "umount2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Umount2(string target, int flags);

    [LibraryImport(Libc, EntryPoint = "syscall", SetLastError = true)]
    public static partial long Syscall3(long nr, long a0, long a1, long a2);

    [LibraryImport(Libc, EntryPoint = "syscall", SetLastError = true)]
    public static partial long Syscall4(long nr, long a0, long a1, long a2, long a3);

    [LibraryImport(Libc, EntryPoint = "strerror")]
    private static partial nint StrErrorPtr(int errnum);

    [LibraryImport(Libc, EntryPoint = "ppoll", SetLastError = true)]
    public static partial int PPoll(PollFd* fds, nuint nfds, TimeSpec* timeout, void* sigmask);

    public static int LastErrno => Marshal.GetLastPInvokeError();

    /// <summary>The C library's text for an errno, lower-cased as Go (and so runc) prints it.</summary>
    public static string ErrnoText(int errno)
    {
        string? s = Marshal.PtrToStringUTF8(StrErrorPtr(errno));
        if (string.IsNullOrEmpty(s)) return $"errno {errno}";
        return char.ToLowerInvariant(s[0]) + s.Substring(1);
    }

    public static bool ProcessExists(int pid) => pid > 0 && (Kill(pid, 0) == 0 || LastErrno == Errno.EPERM);
}

[StructLayout(LayoutKind.Sequential)]
public struct Flock
{
    public short Type;
    public short Whence;
    public long Start;
    public long Len;
    public int Pid;
}

[StructLayout(LayoutKind.Sequential)]
public unsafe struct MsgHdr
{
    public void* Name;
    public uint NameLen;
    public IoVec* Iov;
    public nuint IovLen;
    public void* Control;
    public nuint ControlLen;
    public int Flags;
}

[StructLayout(LayoutKind.Sequential)]
public unsafe struct IoVec
{
    public void* Base;
    public nuint Len;
}

[StructLayout(LayoutKind.Sequential)]
public struct PollFd
{
    public int Fd;
    public short Events;
    public short REvents;
}

[StructLayout(LayoutKind.Sequential)]
public struct TimeSpec
{
    public long Sec;
    public long NSec;
}
