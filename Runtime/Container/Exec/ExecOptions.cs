namespace OciRuntime.Container;

/// <summary>`exec` flags that are not part of the process object.</summary>
public sealed class ExecOptions
{
    public string? ConsoleSocket { get; init; }
    public string? PidFile { get; init; }
    public bool Detach { get; init; }
    public bool IgnorePaused { get; init; }
    public int PreserveFds { get; init; }
    /// <summary>--cgroup values as given (ExecSubCgroup reads them).</summary>
    public System.Collections.Generic.IReadOnlyList<string> Cgroups { get; init; } = System.Array.Empty<string>();
}
