using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace OciRuntime.Native.Interop;

/// <summary>What an open fd really is (fstat/fstatfs), for checks that must not trust a path.</summary>
public readonly record struct FileIdentity(uint Mode, ulong Inode, ulong Rdev, long FsType)
{
    public const long PROC_SUPER_MAGIC = 0x9fa0;
    /// <summary>The root directory of every procfs instance has this inode number.</summary>
    public const ulong PROC_ROOT_INO = 1;

    public bool IsCharDevice(uint major, uint minor) =>
        (Mode & 0xf000) == FileType.S_IFCHR && Rdev == MakeDev(major, minor);

    public static ulong MakeDev(ulong major, ulong minor) =>
        ((major & 0xfffff000UL) << 32) | ((major & 0xfffUL) << 8) | ((minor & 0xffffff00UL) << 12) | (minor & 0xffUL);

    /// <summary>fstat + fstatfs of <paramref name="fd"/>; null with errno in <see cref="Sys.LastErrno"/> on failure.</summary>
    public static unsafe FileIdentity? Of(int fd)
    {
        // x86_64 struct stat: st_ino at 8, st_mode at 24, st_rdev at 40 (144 bytes); struct statfs: f_type first (120 bytes).
        byte* st = stackalloc byte[144];
        byte* sfs = stackalloc byte[120];
        if (Sys.Fstat(fd, st) != 0 || Sys.Fstatfs(fd, sfs) != 0) return null;
        var s = new System.ReadOnlySpan<byte>(st, 144);
        return new FileIdentity(
            BinaryPrimitives.ReadUInt32LittleEndian(s.Slice(24)),
            BinaryPrimitives.ReadUInt64LittleEndian(s.Slice(8)),
            BinaryPrimitives.ReadUInt64LittleEndian(s.Slice(40)),
            BinaryPrimitives.ReadInt64LittleEndian(new System.ReadOnlySpan<byte>(sfs, 8)));
    }
}

public static unsafe partial class Sys
{
    [LibraryImport(Libc, EntryPoint = "fstat", SetLastError = true)]
    public static partial int Fstat(int fd, byte* statBuf);

    [LibraryImport(Libc, EntryPoint = "fstatfs", SetLastError = true)]
    public static partial int Fstatfs(int fd, byte* statfsBuf);

    /// <summary>open_tree(2): with OPEN_TREE_CLONE, a detached copy of the mount at path (or of the path as a bind).</summary>
    public static int OpenTree(int dirfd, string path, int flags)
    {
        byte[] p = System.Text.Encoding.UTF8.GetBytes(path + "\0");
        fixed (byte* pp = p) return (int)Syscall3(Nr.open_tree, dirfd, (long)pp, flags);
    }

    /// <summary>openat2(2) with struct open_how; -1 and errno on failure.</summary>
    public static int OpenAt2(int dirfd, string path, ulong flags, ulong resolve)
    {
        byte[] p = System.Text.Encoding.UTF8.GetBytes(path + "\0");
        byte* how = stackalloc byte[24];
        var h = new System.Span<byte>(how, 24);
        BinaryPrimitives.WriteUInt64LittleEndian(h, flags);
        BinaryPrimitives.WriteUInt64LittleEndian(h.Slice(8), 0);
        BinaryPrimitives.WriteUInt64LittleEndian(h.Slice(16), resolve);
        fixed (byte* pp = p) return (int)Syscall4(Nr.openat2, dirfd, (long)pp, (long)how, 24);
    }
}

/// <summary>fsopen/fsconfig/fsmount constants (linux/mount.h).</summary>
public static class FsContext
{
    public const int FSOPEN_CLOEXEC = 1, FSMOUNT_CLOEXEC = 1;
    public const int FSCONFIG_SET_STRING = 1, FSCONFIG_CMD_CREATE = 6;
}
