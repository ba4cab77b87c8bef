using System;
using System.Collections.Generic;
using System.IO;

namespace OciRuntime.Rootfs;

/// <summary>
/// The runtime's cgroup2 mount a container's cgroup mount binds (MountPlanner): the last mount of
/// the whole hierarchy (root "/") in /proc/self/mountinfo that no later mount covers. Not simply
/// the first: a caller that mounted cgroup2 over a hybrid host's /sys/fs/cgroup (the bench's
/// namespace for crun) hides /sys/fs/cgroup/unified, which mountinfo still lists first.
/// </summary>
public static class HostCgroup2Mount
{
    public static string? Find(string mountinfo = "/proc/self/mountinfo")
    {
        try { return Find(File.ReadLines(mountinfo)); }
        catch (IOException) { return null; }
    }

    public static string? Find(IEnumerable<string> mountinfoLines)
    {
        string? found = null;
        foreach (string line in mountinfoLines)
        {
            // "36 25 0:31 / /sys/fs/cgroup/unified rw,... shared:9 - cgroup2 cgroup2 rw,..."
            int dash = line.IndexOf(" - ", StringComparison.Ordinal);
            if (dash < 0) continue;
            string[] pre = line.Substring(0, dash).Split(' ');
            if (pre.Length < 5) continue;
            string point = Unescape(pre[4]);
            if (found is not null && Covers(point, found)) found = null;
            string fsType = line.Substring(dash + 3).Split(' ')[0];
            if (fsType == "cgroup2" && pre[3] == "/") found = point;
        }
        return found;
    }

    private static bool Covers(string mountPoint, string path) =>
        mountPoint == "/" || path == mountPoint || path.StartsWith(mountPoint + "/", StringComparison.Ordinal);

    private static string Unescape(string s) => s.Replace("\\040", " ").Replace("\\011", "\t").Replace("\\012", "\n").Replace("\\134", "\\");
}
