using System.Threading;
using OciRuntime.Errors;
using OciRuntime.Native.Interop;
using OciRuntime.State;

namespace OciRuntime.Container;

/// <summary>
/// runtime.md "start": open exec.fifo for reading, which releases the init blocked in its open
/// for writing. The init's fd is close-on-exec, so EOF with no data means execve succeeded; an
/// error record (the failing step and errno) means it did not.
/// </summary>
public static unsafe class ContainerStarter
{
    public static void Start(StateStore store, string id)
    {
        using IdLock idLock = IdLock.AcquireExisting(store, id);
        ContainerRecord r = store.Load(id);
        ContainerStatus status = ContainerStatusReader.Read(store, r);
        switch (status)
        {
            case ContainerStatus.Created: break;
            case ContainerStatus.Stopped: throw new RuntimeException("cannot start a container that has stopped");
            default: throw new RuntimeException("cannot start an already running container");
        }

        // runtime.md: startContainer hooks run in the container's namespaces before the user
        // process; a failure fails start and the container must not run the process.
        // The state JSON and the hooks' credentials (a seccomp compile) only when there are hooks:
        // building them cost more than the rest of a hookless start.
        try
        {
            if (r.Hooks?.StartContainer is { Count: > 0 } startHooks)
                Hooks.HookRunner.RunAll("startContainer", startHooks, Hooks.HookState.Json(r.OciVersion, id, "created", r.Pid, r.Bundle, r.Annotations), joinPid: r.Pid,
                    credentials: StartContainerCredentials(store, r));
        }
        catch (RuntimeException)
        {
            StopAfterFailedHook(r);
            throw;
        }

        Logging.RuntimeLog.Debug($"start {id}: init {r.Pid}, startContainer hooks done, releasing exec.fifo");
        string fifo = store.FifoPath(id);
        int fd = Sys.Open(fifo, O.RDONLY | O.NONBLOCK | O.CLOEXEC, 0);
        if (fd < 0) throw new SyscallException($"open {fifo}", Sys.LastErrno);
        byte[] record = new byte[16];
        int got = 0;
        try
        {
            var pfd = new PollFd { Fd = fd, Events = 0x1 /* POLLIN */ };
            var timeout = new TimeSpec { Sec = 0, NSec = 50_000_000 };
            while (true)
            {
                int n = Sys.PPoll(&pfd, 1, &timeout, null);
                if (n < 0 && Sys.LastErrno != Errno.EINTR) throw new SyscallException($"poll {fifo}", Sys.LastErrno);
                if (n > 0)
                {
                    nint rd;
                    fixed (byte* b = &record[0]) rd = Sys.Read(fd, b + got, (nuint)(record.Length - got));
                    if (rd > 0) { got += (int)rd; if (got == record.Length) break; continue; }
                    if (rd == 0) break; // every writer closed: execve happened (or the init died)
                    if (Sys.LastErrno != Errno.EAGAIN) throw new SyscallException($"read {fifo}", Sys.LastErrno);
                }
                // Nothing yet: the init may have died before it ever opened the fifo.
                if (!ProcessIdentity.IsAlive(r.Pid, r.PidStartTime))
                    throw new RuntimeException("container init is not running (it died before start)");
                Thread.Yield();
            }
        }
        finally
        {
            Sys.Close(fd);
        }

        r.Started = true;
        store.Save(r);
        try { System.IO.File.Delete(fifo); } catch (System.IO.IOException) { }

        if (got == record.Length)
        {
            int errno = System.BitConverter.ToInt32(record, 8);
            throw new RuntimeException($"container init failed to exec process.args: {Sys.ErrnoText(errno)}");
        }
        Logging.RuntimeLog.Debug($"start {id}: process.args exec'd, running poststart hooks");
        // runtime.md "Lifecycle" step 9: a failing poststart hook is an error; the container is
        // stopped and the lifecycle continues at poststop (run once, by the caller's delete).
        try
        {
            if (r.Hooks?.Poststart is { Count: > 0 } poststart)
                Hooks.HookRunner.RunAll("poststart", poststart, Hooks.HookState.Json(r.OciVersion, id, "running", r.Pid, r.Bundle, r.Annotations));
        }
        catch (RuntimeException)
        {
            StopAfterFailedHook(r);
            throw;
        }
    }

    /// <summary>The container stops: every process of it (the init and anything it started).</summary>
    private static void StopAfterFailedHook(ContainerRecord r)
    {
        if (r.CgroupPath is { } cg) Cgroups.CgroupV2Manager.KillAll(cg);
        Sys.Kill(r.Pid, Signals.SIGKILL);
        ContainerKiller.WaitGone(r, 10_000);
    }

    /// <summary>runc runs startContainer hooks from its init after credentials, no_new_privs and seccomp are set: so do we.</summary>
    private static Hooks.HookCredentials? StartContainerCredentials(StateStore store, ContainerRecord r)
    {
#if OCI_WEAKEN_HOOK_CREDENTIALS
        return null;
#else
        if (r.StartContainerProcess is not { } p) return null;
        return new Hooks.HookCredentials(p, Process.SeccompPlanner.Compile(r.StartContainerSeccomp, store.Root), r.StartContainerSetgroups);
#endif
    }
}
