using OciRuntime.Native.Interop;

namespace OciRuntime.Logging;

/// <summary>
/// Puts /dev/null on fds 0-2 that the caller left closed, before anything else opens a file.
/// Otherwise the next open takes the empty slot: the id lock became fd 2, diagnostics were written
/// into it, and the init inherited it as its stderr and held the lock (`run` then deadlocked in
/// its own `start`); /dev/urandom became the container's stdin.
/// </summary>
public static class StandardFds
{
    public static void EnsureOpen()
    {
#if !OCI_WEAKEN_STDIO_FDS
        for (int fd = 0; fd <= 2; fd++)
        {
            if (Sys.FcntlInt(fd, Fcntl.F_GETFD, 0) >= 0 || Sys.LastErrno != Errno.EBADF) continue;
            // Lower fds are open by now, so open() returns exactly this one. Not close-on-exec:
            // it stands in for the caller's stdio, which the container inherits.
            int got = Sys.Open("/dev/null", O.RDWR, 0);
            if (got >= 0 && got != fd) Sys.Close(got);
        }
#endif
    }
}
