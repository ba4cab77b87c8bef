namespace OciRuntime.Native.Interop;

/// <summary>x86_64 syscall numbers the plan uses (arch/x86/entry/syscalls/syscall_64.tbl).</summary>
public static class Nr
{
    public const int read = 0, write = 1, close = 3, ioctl = 16, dup3 = 292, chdir = 80, fchdir = 81,
        mkdirat = 258, mknodat = 259, fchownat = 260, symlinkat = 266, fchmodat = 268, openat = 257,
        openat2 = 437, mount = 165, umount2 = 166, pivot_root = 155, chroot = 161, sethostname = 170,
        setdomainname = 171, setns = 308, unshare = 272, prctl = 157, capset = 126, setgroups = 116,
        setresuid = 117, setresgid = 119, umask = 95, prlimit64 = 302, setsid = 112, keyctl = 250,
        close_range = 436, open_tree = 428, move_mount = 429, mount_setattr = 442, fsopen = 430,
        fsconfig = 431, fsmount = 432, personality = 135, sched_setattr = 314, ioprio_set = 251,
        sched_setaffinity = 203, set_mempolicy = 238, kill = 62, getpid = 39, fcntl = 72;
}
