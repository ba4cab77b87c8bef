namespace OciRuntime.Container;

/// <summary>What `create` (and `run`) asks of the init beyond config.json: the CLI's options and the fds it prepared.</summary>
public sealed class InitRequest
{
    public required string Id { get; init; }
    public required Spec.Loading.LoadedConfig Config { get; init; }
    /// <summary>The child's end of the sync socketpair.</summary>
    public required int ChildSyncFd { get; init; }
    /// <summary>O_PATH fd of exec.fifo; the init opens it for writing and blocks there until `start`.</summary>
    public required int ExecFifoFd { get; init; }
    public int ConsoleSocketFd { get; init; } = -1;
    /// <summary>The --root directory (the seccomp program cache lives under it).</summary>
    public required string StateRoot { get; init; }
    public int PreserveFds { get; init; }
    public bool NoPivot { get; init; }
    public bool NoNewKeyring { get; init; }
    /// <summary>The container's cgroup directory (null with cgroups disabled): what a refused cgroup2 mount binds in a cgroup namespace.</summary>
    public string? CgroupDir { get; init; }
}
