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

    /// <summary>
    /// The lock of a container that must already exist (start, update, pause, ...): a missing
    /// container is "does not exist" without leaving a lock file behind, also when a concurrent
    /// delete removed it while we waited for the lock.
    /// </summary>
    public static IdLock AcquireExisting(StateStore store, string id) =>
        TryAcquireExisting(store, id) ?? throw RuntimeException.NotExists(id);

    /// <summary>As <see cref="AcquireExisting"/>, but null (and no lock file left) when the container is gone.</summary>
    public static IdLock? TryAcquireExisting(StateStore store, string id)
    {
        // Acquire creates the file: never for an id that has no state dir.
#if !OCI_WEAKEN_STALE_LOCKS
        if (!store.Exists(id)) return null;
#endif
        IdLock idLock = Acquire(store.Root, id);
        if (store.Exists(id)) return idLock;
        // Deleted while we waited; our retry in Acquire made a fresh file, which is ours to remove.
#if !OCI_WEAKEN_STALE_LOCKS
        idLock.Unlink();
#endif
        idLock.Dispose();
        return null;
    }

    /// <summary>
    /// Whether the path still names the inode we locked. Device and inode, never path strings:
    /// /proc/self/fd/N shows the resolved path, which differs from a --root reached through a
    /// symlink (Debian's /var/run -> /run, docker's /var/run/docker/runtime-runc/moby).
    /// </summary>
    private static bool SameFile(int fd, string path)
    {
#if OCI_WEAKEN_LOCK_BY_PATH
        return new FileInfo($"/proc/self/fd/{fd}").LinkTarget == path && File.Exists(path);
#else
        FileIdentity? held = FileIdentity.OfFd(fd, out _);
        FileIdentity? named = FileIdentity.OfPath(path, followSymlinks: false, out _);
        return held is { } h && named is { } n && h.Device == n.Device && h.Inode == n.Inode;
#endif
    }

    /// <summary>Removes the lock file (after the container is gone); the lock is released on dispose.</summary>
    public void Unlink()
    {
        try { File.Delete(_path); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
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
