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
            if (!Cgroups.CgroupMount.TryParseMountinfo(line, out string point, out string root, out string fsType)) continue;
            if (found is not null && Covers(point, found)) found = null;
            if (fsType == "cgroup2" && root == "/") found = point;
        }
        return found;
    }

    private static bool Covers(string mountPoint, string path) =>
        mountPoint == "/" || path == mountPoint || path.StartsWith(mountPoint + "/", StringComparison.Ordinal);
}
