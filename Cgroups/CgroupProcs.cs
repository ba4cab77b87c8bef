using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace OciRuntime.Cgroups;

/// <summary>The processes of a cgroup and of every cgroup below it (a container may make its own sub-cgroups).</summary>
public static class CgroupProcs
{
    public static List<int> All(string dir)
    {
        var pids = new List<int>();
        Collect(dir, pids, 0);
        return pids;
    }

    private static void Collect(string dir, List<int> pids, int depth)
    {
        try
        {
            foreach (string line in File.ReadLines(Path.Combine(dir, "cgroup.procs")))
                if (int.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out int pid)) pids.Add(pid);
            if (depth > 64) return; // cgroup.max.depth guards the kernel side; this guards ours
            foreach (string sub in Directory.EnumerateDirectories(dir))
                Collect(sub, pids, depth + 1);
        }
        catch (IOException) { }
        catch (System.UnauthorizedAccessException) { }
    }
}
