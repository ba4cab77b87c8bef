using System;
using System.IO;
using OciRuntime.Errors;
using OciRuntime.Native.Interop;
using OciRuntime.Spec.Config;
using OciRuntime.Spec.Loading;
using OciRuntime.State;
using OciRuntime.Terminal;

namespace OciRuntime.Container;

/// <summary>
/// `exec`: start another process in a running container, in its namespaces and cgroup, with the
/// container's seccomp filter. Failures exit 255, as runc's do (containerd and podman read it).
/// </summary>
public static class ContainerExecutor
{
    public const int FailureExitCode = 255;

    public static int Exec(StateStore store, ContainerRecord r, OciConfig config, ProcessSpec process, ExecOptions o)
    {
        ContainerStatus status = ContainerStatusReader.Read(store, r);
        if (status == ContainerStatus.Stopped) throw new RuntimeException("cannot exec in a stopped container", FailureExitCode);
        if (status == ContainerStatus.Paused && !o.IgnorePaused)
            throw new RuntimeException("cannot exec in a paused container (use --ignore-paused)", FailureExitCode);

        LinuxSpec? linux = config.Linux;
        string? cgroupDir;
        try { cgroupDir = ExecSubCgroup.Resolve(o.Cgroups, r.CgroupPath, r.Id); }
        catch (RuntimeException e) { throw new RuntimeException(e.Message, e, FailureExitCode); }
        int consoleFd = -1, cgroupFd = -1;
        ForegroundConsole? foreground = null;
        ForegroundWaiter.SignalForwarder? forwarder = null;
        try
        {
            if (o.ConsoleSocket is { } cs)
            {
                if (process.Terminal != true) throw new RuntimeException("--console-socket given but the process has no terminal", FailureExitCode);
                consoleFd = UnixSocket.Connect(cs);
                if (consoleFd < 0) throw new RuntimeException(UnixSocket.ConnectError($"connect to --console-socket {cs}", -consoleFd), FailureExitCode);
            }
            else if (process.Terminal == true)
            {
                // Foreground: the runtime receives the pty master and proxies it (runc's behaviour).
                if (o.Detach)
                    throw new RuntimeException("cannot allocate a tty for a detached exec (-d) without --console-socket: pass one, or drop -d", FailureExitCode);
                foreground = new ForegroundConsole();
                consoleFd = foreground.TakeContainerEnd();
                // The process runs before its master reaches us: its plan sets the caller's size
                // first, so even its first `stty size` sees it (SIGWINCH keeps it in step later).
                if (process.ConsoleSize is null && CallerTerminal.Find() is { } caller)
                    using (caller)
                        if (caller.Size() is { } size) process.ConsoleSize = new ConsoleSize { Height = size.Rows, Width = size.Cols };
            }
            PreservedFds.EnsureOpen(o.PreserveFds);
            // A pid namespace join forks: the process is then our grandchild, so become its reaper.
            if (!o.Detach) Sys.Prctl(Prctl.SET_CHILD_SUBREAPER, 1, 0, 0, 0);

            using var sync = SyncChannel.Create();
            var built = ExecPlanBuilder.Build(r.Pid, process, linux?.Seccomp, linux?.Personality, store.Root, sync, consoleFd, o.PreserveFds);
            cgroupFd = cgroupDir is { } dir && Directory.Exists(dir) ? Sys.Open(dir, O.RDONLY | O.DIRECTORY | O.CLOEXEC, 0) : -1;
            var handlers = new SpawnHandlers
            {
                CgroupFd = cgroupFd,
                PlaceInCgroup = pid => JoinCgroup(cgroupDir, pid),
                // Each exec'd process loads its own filter: its NOTIFY listener fd goes to
                // listenerPath like the init's, with this process's pid and the container's state.
                OnFd = (pid, fd) => SeccompListener.Send(linux?.Seccomp ?? new LinuxSeccomp(), fd, pid, State(r, status)),
                // The container's oomScoreAdj, not the caller's (kubelet's exec probes run under the shim).
                BeforeGo = pid => { if (config.Process?.OomScoreAdj is int adj) InitSpawner.WriteOomScoreAdj(pid, adj); },
                EofMeansExec = true,
                Process = process,
                What = "exec process",
            };
            // Before the spawn, as runc: a signal the caller sends once the process runs is never lost.
            forwarder = o.Detach ? null : ForegroundWaiter.ForwardSignals();
            int pid = ProcessSpawner.Spawn(built.Plan, 0, sync, built.ParentFds, handlers).Pid;
            Logging.RuntimeLog.Debug($"exec in {r.Id}: process {pid} exec'd {(o.Detach ? "(detached)" : "(waiting for it)")}");
            if (o.PidFile is { } pf)
            {
                // A process nobody can find by its pid file would run unsupervised: end it (runc fails the same way).
                try { PidFile.Write(pf, pid); }
                catch (RuntimeException) { Sys.Kill(pid, Signals.SIGKILL); ProcessSpawner.Reap(pid); throw; }
            }
            if (forwarder is null) return 0;
            forwarder.Target(pid);
            if (foreground is null) return ForegroundWaiter.Wait(pid);
            // Our copy of the container's end closed: a process that died unsent reads as EOF.
            Sys.Close(consoleFd);
            consoleFd = -1;
            using var proxy = TerminalProxy.Attach(foreground.ReceiveMaster());
            return proxy.Run(pid);
        }
        catch (RuntimeException e) when (e.ExitCode != FailureExitCode)
        {
            throw new RuntimeException(e.Message, e, FailureExitCode);
        }
        finally
        {
            if (consoleFd >= 0) Sys.Close(consoleFd);
            if (cgroupFd >= 0) Sys.Close(cgroupFd);
            foreground?.Dispose();
            forwarder?.Dispose();
        }
    }

    private static void JoinCgroup(string? dir, int pid)
    {
        if (dir is null || !Directory.Exists(dir)) return;
        try { File.WriteAllText(Path.Combine(dir, "cgroup.procs"), pid.ToString(System.Globalization.CultureInfo.InvariantCulture)); }
        catch (IOException e) { throw new RuntimeException($"join the container's cgroup {dir}: {e.Message}"); }
    }

    /// <summary>The container's state as `state` prints it: its pid is the init's.</summary>
    private static Spec.State.ContainerState State(ContainerRecord r, ContainerStatus status) => new()
    {
        OciVersion = r.OciVersion,
        Id = r.Id,
        Status = ContainerStatusReader.Name(status),
        Pid = r.Pid,
        Bundle = r.Bundle,
        Annotations = r.Annotations,
    };

    /// <summary>
    /// The container's config.json, read once per exec: its process is the base of a flags-only
    /// exec, and its seccomp filter and personality apply to exec'd processes too (runc's behaviour).
    /// </summary>
    public static OciConfig LoadConfig(ContainerRecord r)
    {
        try { return ConfigLoader.Parse(File.ReadAllText(Path.Combine(r.Bundle, "config.json"))); }
        catch (Exception e) when (e is IOException or Spec.Validation.SpecException)
        {
            throw new RuntimeException($"exec: cannot read the container's config.json in {r.Bundle}: {e.Message}", FailureExitCode);
        }
    }
}
