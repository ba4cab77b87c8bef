namespace OciRuntime.Container;

/// <summary>`create`/`run` flags that shape the container beyond config.json.</summary>
public sealed class CreateOptions
{
    public required string Bundle { get; init; }
    public string? PidFile { get; init; }
    public string? ConsoleSocket { get; init; }
    /// <summary>Foreground `run`: with process.terminal and no --console-socket, the runtime receives and proxies the pty.</summary>
    public Terminal.ForegroundConsole? ForegroundConsole { get; set; }
    public int PreserveFds { get; init; }
    public bool NoPivot { get; init; }
    public bool NoNewKeyring { get; init; }
    /// <summary>`--cgroup-manager disabled`: no cgroup is created or joined.</summary>
    public bool CgroupsDisabled { get; init; }
    /// <summary>Rootless mode (global --rootless, detected by default): a cgroup the caller cannot create is tolerated when no limit needs it.</summary>
    public bool Rootless { get; init; }
    /// <summary>The caller's sd_notify socket (--notify-socket or $NOTIFY_SOCKET): the container gets /run/notify (Notify/NotifySocket).</summary>
    public string? NotifySocket { get; init; }
    /// <summary>`--systemd-cgroup` / `--cgroup-manager systemd`: the cgroup is a transient systemd scope.</summary>
    public bool SystemdCgroup { get; init; }
}
