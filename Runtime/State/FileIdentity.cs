using System.Text;
using OciRuntime.Native.Interop;

namespace OciRuntime.State;

/// <summary>
/// What names a file independent of the path that reached it: device and inode (plus the type
/// bits). Paths differ for one file (a --root through a symlink such as /var/run -> /run, "//",
/// bind mounts); device and inode do not.
/// </summary>
public readonly record struct FileIdentity(ulong Device, ulong Inode, uint Mode)
{
    private const int S_IFMT = 0xF000;
    // x86_64 newfstatat; Native/Interop has no stat binding and stat needs no plan step.
    private const long NrNewfstatat = 262;

    public bool IsDirectory => (Mode & S_IFMT) == FileType.S_IFDIR;

    public static FileIdentity? OfFd(int fd, out int errno) => Stat(fd, "", AtFlags.EMPTY_PATH, out errno);

    /// <summary>stat (following symlinks) or lstat of a path.</summary>
    public static FileIdentity? OfPath(string path, bool followSymlinks, out int errno) =>
        Stat(AtFlags.FDCWD, path, followSymlinks ? 0 : AtFlags.SYMLINK_NOFOLLOW, out errno);

    private static unsafe FileIdentity? Stat(int dirfd, string path, int flags, out int errno)
    {
        byte[] name = new byte[Encoding.UTF8.GetByteCount(path) + 1];
        Encoding.UTF8.GetBytes(path, 0, path.Length, name, 0);
        byte* st = stackalloc byte[256]; // struct stat is 144 bytes on x86_64
        long r;
        fixed (byte* n = name) r = Sys.Syscall4(NrNewfstatat, dirfd, (long)n, (long)st, flags);
        if (r < 0)
        {
            errno = Sys.LastErrno;
            return null;
        }
        errno = 0;
        return new FileIdentity(*(ulong*)st, *(ulong*)(st + 8), *(uint*)(st + 24));
    }
}
