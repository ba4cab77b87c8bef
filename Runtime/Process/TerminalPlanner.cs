using OciRuntime.Native.Interop;
using OciRuntime.Native.Plan;
using OciRuntime.Spec.Config;

namespace OciRuntime.Process;

/// <summary>
/// process.terminal: a pty from the container's own devpts (so the container can reopen it),
/// the master sent to --console-socket as one sendmsg carrying "/dev/ptmx" and exactly one fd
/// (what go-runc accepts), the slave made controlling terminal and stdio, and bound over
/// /dev/console. Without a terminal the process just gets a new session.
/// </summary>
public static class TerminalPlanner
{
    public static void Emit(ProcessPlan plan, ProcessSpec p, int consoleSocketFd)
    {
        if (p.Terminal != true || consoleSocketFd < 0)
        {
            plan.Syscall(Nr.setsid, "start a new session (setsid)");
            return;
        }
        PlanSlot master = plan.NewSlot();
        PlanSlot slave = plan.NewSlot();
#if OCI_WEAKEN_CONSOLE_VERIFY
        plan.Syscall(Nr.openat, "open /dev/ptmx in the container", (long)AtFlags.FDCWD, PlanArg.Str("/dev/ptmx"), (long)(O.RDWR | O.NOCTTY | O.CLOEXEC))
            .Into(master).WithHint("process.terminal needs a devpts mount at /dev/pts (and /dev/ptmx)");
#else
        // The usual /dev/ptmx -> pts/ptmx symlink is followed inside the root; a magic link
        // (/proc/self/fd/N of a runtime fd) is not.
        plan.Syscall(Nr.openat2, "open /dev/ptmx in the container", (long)AtFlags.FDCWD, PlanArg.Str("/dev/ptmx"),
                PlanArg.Data(PlanStructs.OpenHow((ulong)(O.RDWR | O.NOCTTY | O.CLOEXEC), 0, Resolve.NO_MAGICLINKS)), 24L)
            .Into(master).WithHint("process.terminal needs a devpts mount at /dev/pts (and /dev/ptmx)");
#endif
        plan.Syscall(Nr.ioctl, "unlock the pty (TIOCSPTLCK)", PlanArg.Slot(master), (long)Tty.TIOCSPTLCK, PlanArg.Data(PlanStructs.Int32(0)));
        plan.Syscall(Nr.ioctl, "open the pty slave (TIOCGPTPEER)", PlanArg.Slot(master), (long)Tty.TIOCGPTPEER, (long)(O.RDWR | O.NOCTTY)).Into(slave);
        if (p.ConsoleSize is { } size)
            plan.Syscall(Nr.ioctl, $"set the console size {size.Height}x{size.Width} (process.consoleSize)", PlanArg.Slot(slave), (long)Tty.TIOCSWINSZ,
                PlanArg.Data(PlanStructs.Winsize((ushort)size.Height, (ushort)size.Width)));
        plan.Op(PlanOp.SendFd, "send the pty master to --console-socket", (long)consoleSocketFd, PlanArg.Str("/dev/ptmx"), 9L, PlanArg.Slot(master));
        plan.Syscall(Nr.close, "close the pty master", PlanArg.Slot(master));
        plan.Syscall(Nr.close, "close the console socket", (long)consoleSocketFd);

        EmitConsole(plan, slave);

        plan.Syscall(Nr.setsid, "start a new session (setsid)");
        plan.Syscall(Nr.ioctl, "make the pty the controlling terminal (TIOCSCTTY)", PlanArg.Slot(slave), (long)Tty.TIOCSCTTY, 0L);
        for (int fd = 0; fd < 3; fd++)
            plan.Syscall(Nr.dup3, $"make the pty fd {fd}", PlanArg.Slot(slave), (long)fd, 0L);
        plan.Syscall(Nr.close, "close the pty slave", PlanArg.Slot(slave));
    }

    /// <summary>
    /// /dev/console: the slave bound over a placeholder file, when the container has a /dev
    /// (CVE-2025-52565). The source is the slave fd itself (TIOCGPTPEER: a pty of the container's
    /// devpts, whatever /dev/pts/N names now); /dev is resolved inside the root without magic
    /// links, the placeholder is opened without following any symlink, and both are joined by fd
    /// (open_tree + move_mount): no /proc/self/fd path the container's mounts could redirect.
    /// </summary>
    private static void EmitConsole(ProcessPlan plan, PlanSlot slave)
    {
        PlanSlot console = plan.NewSlot();
        PlanLabel done = plan.NewLabel();
#if OCI_WEAKEN_CONSOLE_VERIFY
        plan.Syscall(Nr.mknodat, "create /dev/console", (long)AtFlags.FDCWD, PlanArg.Str("/dev/console"), (long)(FileType.S_IFREG | 0x1b6), 0L)
            .Tolerate(Errno.EEXIST);
        plan.Syscall(Nr.openat, "open /dev/console", (long)AtFlags.FDCWD, PlanArg.Str("/dev/console"), (long)(O.PATH | O.NOFOLLOW | O.CLOEXEC))
            .Into(console).Tolerate(Errno.ENOENT, done);
        plan.Syscall(Nr.mount, "bind the pty over /dev/console", PlanArg.FdPath(slave), PlanArg.FdPath(console), PlanArg.Null, (long)MountFlags.BIND, PlanArg.Null);
        plan.Syscall(Nr.close, "close /dev/console", PlanArg.Slot(console));
        plan.Mark(done);
#else
        PlanSlot dev = plan.NewSlot();
        PlanSlot tree = plan.NewSlot();
        plan.Syscall(Nr.openat2, "open /dev in the container for /dev/console", (long)AtFlags.FDCWD, PlanArg.Str("/dev"),
            PlanArg.Data(PlanStructs.OpenHow((ulong)(O.PATH | O.DIRECTORY | O.CLOEXEC), 0, Resolve.IN_ROOT | Resolve.NO_MAGICLINKS)), 24L).Into(dev)
            .Tolerate(Errno.ENOENT, done);
        plan.Syscall(Nr.mknodat, "create /dev/console", PlanArg.Slot(dev), PlanArg.Str("console"), (long)(FileType.S_IFREG | 0x1b6), 0L)
            .Tolerate(Errno.EEXIST);
        plan.Syscall(Nr.openat2, "open /dev/console (not a symlink)", PlanArg.Slot(dev), PlanArg.Str("console"),
            PlanArg.Data(PlanStructs.OpenHow((ulong)(O.PATH | O.NOFOLLOW | O.CLOEXEC), 0, Resolve.BENEATH | Resolve.NO_SYMLINKS | Resolve.NO_MAGICLINKS)), 24L)
            .Into(console).WithHint("/dev/console in the rootfs must be a file or device, not a symlink");
        plan.Syscall(Nr.open_tree, "clone the pty slave as a mount (open_tree)", PlanArg.Slot(slave), PlanArg.Str(""),
            (long)(NewMount.OPEN_TREE_CLONE | NewMount.OPEN_TREE_CLOEXEC | AtFlags.EMPTY_PATH)).Into(tree);
        plan.Syscall(Nr.move_mount, "bind the pty over /dev/console (move_mount)", PlanArg.Slot(tree), PlanArg.Str(""), PlanArg.Slot(console), PlanArg.Str(""),
            (long)(NewMount.MOVE_MOUNT_F_EMPTY_PATH | NewMount.MOVE_MOUNT_T_EMPTY_PATH));
        plan.Syscall(Nr.close, "close a mount fd", PlanArg.Slot(tree));
        plan.Syscall(Nr.close, "close /dev/console", PlanArg.Slot(console));
        plan.Syscall(Nr.close, "close /dev", PlanArg.Slot(dev));
        plan.Mark(done);
#endif
    }
}
