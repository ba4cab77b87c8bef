using System;
using System.IO;
using OciRuntime.Errors;
using OciRuntime.Native.Interop;

namespace OciRuntime.State;

/// <summary>
/// An exclusive OFD lock on <c>&lt;root&gt;/&lt;id&gt;.lock</c>, held for the whole of a command that
/// changes the container, so concurrent runtimes on one --root serialize per id. The lock file
/// sits beside the state dir (not inside it) so delete can remove the dir while holding it.
/// </summary>
public sealed unsafe class IdLock : IDisposable
{
    private int _fd;
    private readonly string _path;

    private IdLock(int fd, string path)
    {
        _fd = fd;
        _path = path;
    }

    public static IdLock Acquire(string root, string id)
    {
        string path = Path.Combine(root, id + ".lock");
        for (int attempt = 0; ; attempt++)
        {
            int fd = Sys.Open(path, O.RDWR | O.CREAT | O.CLOEXEC | O.NOFOLLOW, 0x180 /* 0600 */);
            if (fd < 0) throw new SyscallException($"open {path}", Sys.LastErrno);
            var lk = new Flock { Type = Fcntl.F_WRLCK, Whence = 0, Start = 0, Len = 0 };
            int r;
            do r = Sys.FcntlLock(fd, Fcntl.F_OFD_SETLKW, &lk); while (r < 0 && Sys.LastErrno == Errno.EINTR);
            if (r < 0)
            {
                int e = Sys.LastErrno;
                Sys.Close(fd);
                throw new SyscallException($"lock {path}", e);
            }
            // The holder before us may have deleted the container and unlinked this file: then
            // our lock is on an orphan inode and a newcomer could lock a fresh file. Retry.
            if (SameFile(fd, path)) return new IdLock(fd, path);
            Sys.Close(fd);
            if (attempt > 100) throw new RuntimeException($"lock {path}: file keeps being replaced");
        }
    }

    private static bool SameFile(int fd, string path)
    {
        var self = new FileInfo($"/proc/self/fd/{fd}");
        string? target = self.LinkTarget;
        return target == path && File.Exists(path);
    }

    /// <summary>Removes the lock file (after the container is gone); the lock is released on dispose.</summary>
    public void Unlink()
    {
        try { File.Delete(_path); } catch (IOException) { }
    }

    public void Dispose()
    {
        if (_fd >= 0)
        {
            Sys.Close(_fd);
            _fd = -1;
        }
    }
}
