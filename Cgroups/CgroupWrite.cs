namespace OciRuntime.Cgroups;

/// <summary>
/// One write of a cgroup v2 interface file: <paramref name="File"/> (a bare name inside the
/// container's cgroup dir) gets <paramref name="Value"/>. <paramref name="Source"/> is the config
/// path it came from, for error messages. <paramref name="Optional"/> writes are skipped when the
/// kernel lacks the file (runc does the same for swap "max"/"0", burst 0 and hugetlb .rsvd).
/// </summary>
public readonly record struct CgroupWrite(string File, string Value, string Source, bool Optional = false)
{
    /// <summary>The controller that provides the file ("memory" for memory.max); null for core cgroup.* files.</summary>
    public string? Controller => ControllerOf(File);

    public static string? ControllerOf(string file)
    {
        int dot = file.IndexOf('.');
        string prefix = dot < 0 ? file : file.Substring(0, dot);
        return prefix == "cgroup" ? null : prefix;
    }
}
