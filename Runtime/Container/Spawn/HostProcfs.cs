using System.Text;
using OciRuntime.Native.Interop;

namespace OciRuntime.Container;

/// <summary>
/// The runtime's own writes to the host's /proc/&lt;pid&gt;/... (uid_map, gid_map, setgroups,
/// oom_score_adj) of a child it just cloned (CVE-2025-52881 class). The path goes through a /proc
/// handle verified to be the root of a procfs, then openat2 beneath it with no symlinks, no magic
/// links and no mount crossing, and the opened file is checked to be procfs again: a mount or
/// symlink placed over any part of that path (by whoever shares the runtime's mounts) makes the
/// write fail instead of landing somewhere else.
/// </summary>
public static class HostProcfs
{
    private const ulong Beneath = Resolve.BENEATH | Resolve.NO_SYMLINKS | Resolve.NO_MAGICLINKS | Resolve.NO_XDEV;

    /// <summary>Writes <paramref name="content"/> to /proc/&lt;pid&gt;/&lt;name&gt; in one write(2); returns null or the reason it failed.</summary>
    public static unsafe string? Write(int pid, string name, string content)
    {
        string path = $"/proc/{pid}/{name}";
        int fd = OpenVerified(pid, name, out string? failure);
        if (fd < 0) return failure;
        try
        {
            byte[] b = Encoding.ASCII.GetBytes(content);
            fixed (byte* p = b)
            {
                nint n = Sys.Write(fd, p, (nuint)b.Length);
                if (n < 0) return $"write {path}: {Sys.ErrnoText(Sys.LastErrno)}";
                if (n != b.Length) return $"write {path}: short write ({n} of {b.Length} bytes)";
            }
            return null;
        }
        finally { Sys.Close(fd); }
    }

    private static int OpenVerified(int pid, string name, out string? failure)
    {
        string path = $"/proc/{pid}/{name}";
#if OCI_WEAKEN_PROCFS_VERIFY
        int weak = Sys.Open(path, O.WRONLY | O.CLOEXEC, 0);
        failure = weak < 0 ? $"open {path}: {Sys.ErrnoText(Sys.LastErrno)}" : null;
        return weak;
#else
        int proc = Sys.Open("/proc", O.PATH | O.DIRECTORY | O.NOFOLLOW | O.CLOEXEC, 0);
        if (proc < 0)
        {
            failure = $"open /proc: {Sys.ErrnoText(Sys.LastErrno)}";
            return -1;
        }
        try
        {
            FileIdentity? root = FileIdentity.Of(proc);
            if (root is not { FsType: FileIdentity.PROC_SUPER_MAGIC, Inode: FileIdentity.PROC_ROOT_INO })
            {
                failure = $"/proc is not the root of a procfs (fstatfs type 0x{root?.FsType ?? 0:x}, inode {root?.Inode ?? 0}); the runtime writes to /proc/<pid> only through a real procfs: mount proc on /proc";
                return -1;
            }
            int fd = Sys.OpenAt2(proc, $"{pid}/{name}", (ulong)(O.WRONLY | O.NOFOLLOW | O.CLOEXEC), Beneath);
            if (fd < 0)
            {
                int e = Sys.LastErrno;
                failure = e == Errno.EXDEV || e == Errno.ELOOP
                    ? $"open {path}: {Sys.ErrnoText(e)}: something is mounted over or links out of the path, refusing to write through it"
                    : $"open {path}: {Sys.ErrnoText(e)}";
                return -1;
            }
            if (FileIdentity.Of(fd) is not { FsType: FileIdentity.PROC_SUPER_MAGIC })
            {
                Sys.Close(fd);
                failure = $"open {path}: the file is not on procfs, refusing to write to it";
                return -1;
            }
            failure = null;
            return fd;
        }
        finally { Sys.Close(proc); }
#endif
    }
}
