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
        PlanSlot console = plan.NewSlot();
        plan.Syscall(Nr.openat, "open /dev/ptmx in the container", (long)AtFlags.FDCWD, PlanArg.Str("/dev/ptmx"), (long)(O.RDWR | O.NOCTTY | O.CLOEXEC))
            .Into(master).WithHint("process.terminal needs a devpts mount at /dev/pts (and /dev/ptmx)");
        plan.Syscall(Nr.ioctl, "unlock the pty (TIOCSPTLCK)", PlanArg.Slot(master), (long)Tty.TIOCSPTLCK, PlanArg.Data(PlanStructs.Int32(0)));
        plan.Syscall(Nr.ioctl, "open the pty slave (TIOCGPTPEER)", PlanArg.Slot(master), (long)Tty.TIOCGPTPEER, (long)(O.RDWR | O.NOCTTY)).Into(slave);
        if (p.ConsoleSize is { } size)
            plan.Syscall(Nr.ioctl, $"set the console size {size.Height}x{size.Width} (process.consoleSize)", PlanArg.Slot(slave), (long)Tty.TIOCSWINSZ,
                PlanArg.Data(PlanStructs.Winsize((ushort)size.Height, (ushort)size.Width)));
        plan.Op(PlanOp.SendFd, "send the pty master to --console-socket", (long)consoleSocketFd, PlanArg.Str("/dev/ptmx"), 9L, PlanArg.Slot(master));
        plan.Syscall(Nr.close, "close the pty master", PlanArg.Slot(master));
        plan.Syscall(Nr.close, "close the console socket", (long)consoleSocketFd);

        // /dev/console: bind the slave over a placeholder file, when the container has a /dev.
        plan.Syscall(Nr.mknodat, "create /dev/console", (long)AtFlags.FDCWD, PlanArg.Str("/dev/console"), (long)(FileType.S_IFREG | 0x1b6), 0L)
            .Tolerate(Errno.EEXIST);
        plan.Syscall(Nr.openat, "open /dev/console", (long)AtFlags.FDCWD, PlanArg.Str("/dev/console"), (long)(O.PATH | O.NOFOLLOW | O.CLOEXEC))
            .Into(console).Tolerate(Errno.ENOENT, skip: 2);
        plan.Syscall(Nr.mount, "bind the pty over /dev/console", PlanArg.FdPath(slave), PlanArg.FdPath(console), PlanArg.Null, (long)MountFlags.BIND, PlanArg.Null);
        plan.Syscall(Nr.close, "close /dev/console", PlanArg.Slot(console));

        plan.Syscall(Nr.setsid, "start a new session (setsid)");
        plan.Syscall(Nr.ioctl, "make the pty the controlling terminal (TIOCSCTTY)", PlanArg.Slot(slave), (long)Tty.TIOCSCTTY, 0L);
        for (int fd = 0; fd < 3; fd++)
            plan.Syscall(Nr.dup3, $"make the pty fd {fd}", PlanArg.Slot(slave), (long)fd, 0L);
        plan.Syscall(Nr.close, "close the pty slave", PlanArg.Slot(slave));
    }
}
