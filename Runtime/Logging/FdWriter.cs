using System;
using System.Text;
using OciRuntime.Native.Interop;

namespace OciRuntime.Logging;

/// <summary>
/// Writes diagnostics to an fd with raw syscalls and never throws or blocks for long: the caller's
/// stderr may be closed, read-only (containerd's CRI sandboxes open /dev/null read-only), a pipe
/// nobody reads, or a socket whose peer is gone. Losing a diagnostic is better than aborting or
/// hanging the command that produced it (the --log file still has it).
/// </summary>
internal static unsafe class FdWriter
{
    private const short POLLOUT = 0x4;
    private const short POLLERR = 0x8, POLLHUP = 0x10, POLLNVAL = 0x20;

    // POLLOUT on a pipe means at least one free page: a write of at most this much then never blocks.
    private const int Chunk = 4096;

    /// <summary>How long one message may wait for a slow reader before it is dropped.</summary>
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(2);

    // An fd that timed out or refused a write once is not tried again: a full pipe would otherwise
    // cost the whole budget for every warning of one command.
    private static int s_deadFd = -1;

    public static void WriteLine(int fd, string line)
    {
        if (fd == s_deadFd) return;
        try
        {
            byte[] bytes = Encoding.UTF8.GetBytes(line + "\n");
            long deadline = Environment.TickCount64 + (long)Budget.TotalMilliseconds;
            int off = 0;
            while (off < bytes.Length)
            {
                long left = deadline - Environment.TickCount64;
                if (left <= 0) { s_deadFd = fd; return; }
                var pfd = new PollFd { Fd = fd, Events = POLLOUT };
                var timeout = new TimeSpec { Sec = left / 1000, NSec = left % 1000 * 1_000_000 };
                int n = Sys.PPoll(&pfd, 1, &timeout, null);
                if (n < 0 && Sys.LastErrno == Errno.EINTR) continue;
                if (n <= 0 || (pfd.REvents & POLLOUT) == 0 && (pfd.REvents & (POLLERR | POLLHUP | POLLNVAL)) != 0)
                {
                    s_deadFd = fd;
                    return;
                }
                int len = Math.Min(Chunk, bytes.Length - off);
                nint w;
                fixed (byte* p = &bytes[off]) w = Sys.Write(fd, p, (nuint)len);
                if (w > 0) { off += (int)w; continue; }
                if (w < 0 && (Sys.LastErrno == Errno.EINTR || Sys.LastErrno == Errno.EAGAIN)) continue;
                s_deadFd = fd; // EBADF (read-only or closed), EPIPE, ECONNRESET, ENOSPC: give up quietly
                return;
            }
        }
        catch (Exception)
        {
            // Diagnostics must never turn into a failure of their own.
        }
    }
}
