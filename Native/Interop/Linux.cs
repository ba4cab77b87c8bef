namespace OciRuntime.Native.Interop;

/// <summary>Linux constants for x86_64, grouped by the call that takes them.</summary>
public static class O
{
    public const int RDONLY = 0, WRONLY = 1, RDWR = 2, CREAT = 0x40, EXCL = 0x80, NOCTTY = 0x100,
        TRUNC = 0x200, APPEND = 0x400, NONBLOCK = 0x800, DIRECTORY = 0x10000, NOFOLLOW = 0x20000,
        CLOEXEC = 0x80000, PATH = 0x200000;
}

public static class AtFlags
{
    public const int FDCWD = -100;
    public const int SYMLINK_NOFOLLOW = 0x100, REMOVEDIR = 0x200, EMPTY_PATH = 0x1000, RECURSIVE = 0x8000;
}

/// <summary>openat2(2) resolve flags.</summary>
public static class Resolve
{
    public const ulong NO_XDEV = 0x01, NO_MAGICLINKS = 0x02, NO_SYMLINKS = 0x04, BENEATH = 0x08, IN_ROOT = 0x10;
}

public static class Clone
{
    public const ulong NEWTIME = 0x80, VM = 0x100, FS = 0x200, FILES = 0x400, SIGHAND = 0x800,
        PIDFD = 0x1000, PARENT = 0x8000, VFORK = 0x4000, THREAD = 0x10000, NEWNS = 0x20000,
        SYSVSEM = 0x40000, NEWCGROUP = 0x02000000, NEWUTS = 0x04000000, NEWIPC = 0x08000000,
        NEWUSER = 0x10000000, NEWPID = 0x20000000, NEWNET = 0x40000000, INTO_CGROUP = 0x200000000UL;
}

public static class MountFlags
{
    public const ulong RDONLY = 1, NOSUID = 2, NODEV = 4, NOEXEC = 8, SYNCHRONOUS = 16, REMOUNT = 32,
        MANDLOCK = 64, DIRSYNC = 128, NOSYMFOLLOW = 256, NOATIME = 1024, NODIRATIME = 2048, BIND = 4096,
        MOVE = 8192, REC = 16384, SILENT = 32768, POSIXACL = 1 << 16, UNBINDABLE = 1 << 17,
        PRIVATE = 1 << 18, SLAVE = 1 << 19, SHARED = 1 << 20, RELATIME = 1 << 21, KERNMOUNT = 1 << 22,
        I_VERSION = 1 << 23, STRICTATIME = 1 << 24, LAZYTIME = 1 << 25;
    public const int MNT_DETACH = 2;
}

public static class Signals
{
    public const int SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGKILL = 9, SIGUSR1 = 10, SIGUSR2 = 12, SIGPIPE = 13,
        SIGALRM = 14, SIGTERM = 15, SIGCHLD = 17, SIGCONT = 18, SIGSTOP = 19, SIGWINCH = 28;
}

public static class Prctl
{
    public const int SET_PDEATHSIG = 1, SET_DUMPABLE = 4, SET_KEEPCAPS = 8, CAPBSET_DROP = 24,
        SET_CHILD_SUBREAPER = 36, SET_NO_NEW_PRIVS = 38, CAP_AMBIENT = 47;
    public const int CAP_AMBIENT_RAISE = 2, CAP_AMBIENT_CLEAR_ALL = 4;
}

public static class Fcntl
{
    public const int F_GETFD = 1, F_SETFD = 2, F_OFD_GETLK = 36, F_OFD_SETLK = 37, F_OFD_SETLKW = 38;
    public const short F_RDLCK = 0, F_WRLCK = 1, F_UNLCK = 2;
    public const int FD_CLOEXEC = 1;
}

public static class Sock
{
    public const int AF_UNIX = 1, SOCK_STREAM = 1, SOCK_DGRAM = 2, SOCK_SEQPACKET = 5, SOCK_CLOEXEC = 0x80000;
    public const int SOL_SOCKET = 1, SO_SNDTIMEO = 21, SCM_RIGHTS = 1, MSG_CMSG_CLOEXEC = 0x40000000;
}

public static class Tty
{
    public const uint TIOCSCTTY = 0x540E, TIOCSWINSZ = 0x5414, TIOCSPTLCK = 0x40045431, TIOCGPTPEER = 0x5441;
}

public static class Wait
{
    public const int WNOHANG = 1;
}

/// <summary>New mount API flags (open_tree, move_mount, mount_setattr).</summary>
public static class NewMount
{
    public const int OPEN_TREE_CLONE = 1, OPEN_TREE_CLOEXEC = O.CLOEXEC;
    public const int MOVE_MOUNT_F_EMPTY_PATH = 0x04, MOVE_MOUNT_T_EMPTY_PATH = 0x40;
    public const ulong ATTR_RDONLY = 0x1, ATTR_NOSUID = 0x2, ATTR_NODEV = 0x4, ATTR_NOEXEC = 0x8,
        ATTR__ATIME = 0x70, ATTR_RELATIME = 0x0, ATTR_NOATIME = 0x10, ATTR_STRICTATIME = 0x20,
        ATTR_NODIRATIME = 0x80, ATTR_IDMAP = 0x100000, ATTR_NOSYMFOLLOW = 0x200000;
}

public static class FileType
{
    public const uint S_IFIFO = 0x1000, S_IFCHR = 0x2000, S_IFDIR = 0x4000, S_IFBLK = 0x6000, S_IFREG = 0x8000;
}
