namespace OciRuntime.Native.Interop;

/// <summary>pidfd_open + pidfd_getfd: a copy of an fd out of another process's table.</summary>
public static class Pidfd
{
    /// <summary>
    /// A close-on-exec copy of <paramref name="pid"/>'s fd <paramref name="targetFd"/>, or -errno.
    /// The caller must keep <paramref name="pid"/> from being reaped meanwhile (its own child),
    /// or the number could name another process.
    /// </summary>
    public static int GetFd(int pid, int targetFd)
    {
        long pidfd = Sys.Syscall3(Nr.pidfd_open, pid, 0, 0);
        if (pidfd < 0) return -Sys.LastErrno;
        long fd = Sys.Syscall3(Nr.pidfd_getfd, pidfd, targetFd, 0);
        int err = fd < 0 ? Sys.LastErrno : 0;
        Sys.Close((int)pidfd);
        return fd < 0 ? -err : (int)fd;
    }
}
