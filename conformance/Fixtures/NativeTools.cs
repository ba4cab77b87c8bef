namespace OciRuntime.Conformance;

/// <summary>
/// Small static C programs the tests need (conformance/native/*.c), compiled once per run
/// with the host's cc. Static, so they run in the busybox rootfs when bind-mounted in.
/// </summary>
public static class NativeTools
{
    static readonly Lazy<string> s_probe = new(() => Build("syscall-probe"));
    static readonly Lazy<string> s_listener = new(() => Build("notify-listener"));
    static readonly Lazy<string> s_continue = new(() => Build("notify-continue"));
    static readonly Lazy<string> s_subreaper = new(() => Build("subreaper-run"));
    static readonly Lazy<string> s_sdNotify = new(() => Build("sd-notify"));

    /// <summary>`syscall-probe NR [ARG...]` prints "ret=R errno=E"; "@text" args are string pointers.</summary>
    public static string SyscallProbe => s_probe.Value;

    /// <summary>`notify-listener SOCKET OUT ERRNO [CONNECTIONS]`: receives seccomp notify fds (the last of CONNECTIONS is served) and answers one notification.</summary>
    public static string NotifyListener => s_listener.Value;

    /// <summary>`notify-continue SOCKET OUT`: takes any number of notify fds and lets every notified syscall through (CONTINUE), logging "nr=N pid=P" lines, until killed.</summary>
    public static string NotifyContinue => s_continue.Value;

    /// <summary>`subreaper-run CMD...`: runs CMD under a child subreaper (as a shim does) and prints "zombies=N" left to it.</summary>
    public static string SubreaperRun => s_subreaper.Value;

    /// <summary>`sd-notify MESSAGE`: one datagram to $NOTIFY_SOCKET, as sd_notify(3).</summary>
    public static string SdNotify => s_sdNotify.Value;

    static string Build(string name)
    {
        string src = Path.Combine(TestEnv.RepoRoot, "conformance", "native", name + ".c");
        string bin = Path.Combine(TestEnv.NewDir("native"), name);
        ProcessRunner.Run("cc", ["-static", "-O2", "-Wall", "-o", bin, src]).ShouldSucceed();
        File.SetUnixFileMode(bin, (UnixFileMode)0b111_101_101);
        return bin;
    }
}
