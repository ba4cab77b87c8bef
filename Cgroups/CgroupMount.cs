using System;
using System.IO;

namespace OciRuntime.Cgroups;

/// <summary>
/// Where the unified (v2) hierarchy is mounted, read from /proc/self/mountinfo: /sys/fs/cgroup on
/// pure-v2 hosts, /sys/fs/cgroup/unified on hybrid ones (docs/host-facts.md).
/// </summary>
public static class CgroupMount
{
    public static string? FindUnified(string mountinfo = "/proc/self/mountinfo")
    {
        try
        {
            foreach (string line in File.ReadLines(mountinfo))
                if (TryParseMountinfo(line, out string point, out string root, out string fsType) && fsType == "cgroup2" && root == "/")
                    return point;
        }
        catch (IOException) { }
        return null;
    }

    /// <summary>True when the host has only the unified hierarchy (no v1 controllers).</summary>
    public static bool IsPureV2(string unified) => unified == "/sys/fs/cgroup";

    /// <summary>
    /// One /proc/self/mountinfo line: "36 25 0:31 / /sys/fs/cgroup/unified rw,... shared:9 - cgroup2 cgroup2 rw,...":
    /// the mount point (octal escapes undone), the root of the mount within its filesystem, and the filesystem type.
    /// </summary>
    public static bool TryParseMountinfo(string line, out string mountPoint, out string root, out string fsType)
    {
        mountPoint = root = fsType = "";
        int dash = line.IndexOf(" - ", StringComparison.Ordinal);
        if (dash < 0) return false;
        string[] pre = line.Substring(0, dash).Split(' ');
        if (pre.Length < 5) return false;
        mountPoint = Unescape(pre[4]);
        root = pre[3];
        fsType = line.Substring(dash + 3).Split(' ')[0];
        return true;
    }

    private static string Unescape(string s) => s.Replace("\\040", " ").Replace("\\011", "\t").Replace("\\012", "\n").Replace("\\134", "\\");

    /// <summary>This process's own cgroup in the unified hierarchy ("0::/path" in /proc/self/cgroup).</summary>
    public static string OwnCgroup(string procSelfCgroup = "/proc/self/cgroup")
    {
        try
        {
            foreach (string line in File.ReadLines(procSelfCgroup))
                if (line.StartsWith("0::", StringComparison.Ordinal)) return line.Substring(3);
        }
        catch (IOException) { }
        return "/";
    }
}
