namespace OciRuntime.Conformance;

/// <summary>
/// One line of /proc/PID/mountinfo (proc(5)):
/// <c>id parent major:minor root mountpoint per-mount-options [optional fields...] - fstype source super-options</c>.
/// The optional fields carry the propagation: <c>shared:N</c>, <c>master:N</c>, <c>propagate_from:N</c>, <c>unbindable</c>.
/// </summary>
public sealed record MountEntry(int Id, int Parent, string Root, string MountPoint, string[] Options,
                                string[] Optional, string FsType, string Source, string[] SuperOptions)
{
    public bool HasOption(string o) => Options.Contains(o);
    public bool HasSuperOption(string o) => SuperOptions.Contains(o);
    public bool Shared => Optional.Any(f => f.StartsWith("shared:", StringComparison.Ordinal));
    public bool Slave => Optional.Any(f => f.StartsWith("master:", StringComparison.Ordinal));
    public bool Unbindable => Optional.Contains("unbindable");
    public override string ToString() =>
        $"{MountPoint} {string.Join(',', Options)} [{string.Join(' ', Optional)}] {FsType} {Source} {string.Join(',', SuperOptions)}";
}

public static class MountInfo
{
    /// <summary>Parses mountinfo text (unescapes \040 etc. in paths).</summary>
    public static List<MountEntry> Parse(string text)
    {
        var list = new List<MountEntry>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var f = line.Split(' ');
            if (f.Length < 10) continue;
            int dash = Array.IndexOf(f, "-", 6);
            if (dash < 0 || dash + 2 >= f.Length) continue;
            list.Add(new MountEntry(
                int.Parse(f[0]), int.Parse(f[1]), Unescape(f[3]), Unescape(f[4]), f[5].Split(','),
                f[6..dash], f[dash + 1], Unescape(f[dash + 2]), dash + 3 < f.Length ? f[dash + 3].Split(',') : []));
        }
        return list;
    }

    /// <summary>The topmost (last listed) mount at mountPoint, or null.</summary>
    public static MountEntry? At(string text, string mountPoint) => Parse(text).LastOrDefault(m => m.MountPoint == mountPoint);

    /// <summary>Like At, but fails the test with the whole table when there is no mount there.</summary>
    public static MountEntry Require(string text, string mountPoint) =>
        At(text, mountPoint) ?? throw new Xunit.Sdk.XunitException($"no mount at {mountPoint} in mountinfo:\n{text}");

    /// <summary>The mount points of the host (this test process's mount namespace).</summary>
    public static HashSet<string> HostMountPoints() =>
        Parse(File.ReadAllText("/proc/self/mountinfo")).Select(m => m.MountPoint).ToHashSet();

    static string Unescape(string s) =>
        !s.Contains('\\') ? s : System.Text.RegularExpressions.Regex.Replace(s, @"\\([0-7]{3})",
            m => ((char)Convert.ToInt32(m.Groups[1].Value, 8)).ToString());
}
