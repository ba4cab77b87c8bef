using System.Runtime.InteropServices;

namespace OciRuntime.Conformance;

/// <summary>
/// Test containers live in /oci-conformance/&lt;id&gt; (an absolute cgroupsPath), never nested under the
/// caller's cgroups. This finds and removes those dirs in every v1 hierarchy under /sys/fs/cgroup/* and in
/// /sys/fs/cgroup/unified. It touches nothing outside /sys/fs/cgroup/*/oci-conformance.
/// </summary>
public static partial class Cgroups
{
    const string Base = "/sys/fs/cgroup";

    public static string PathFor(string id) => $"/{TestEnv.CgroupParent}/{id}";

    static IEnumerable<string> Hierarchies() =>
        Directory.Exists(Base) ? Directory.GetDirectories(Base) : [];

    /// <summary>Existing cgroup dirs of the container in any hierarchy.</summary>
    public static List<string> Dirs(string id) =>
        Hierarchies().Select(h => System.IO.Path.Combine(h, TestEnv.CgroupParent, id)).Where(Directory.Exists).ToList();

    /// <summary>Every pid in any of the container's cgroups (cgroup.procs of each hierarchy, nested too).</summary>
    public static HashSet<int> Procs(string id)
    {
        var pids = new HashSet<int>();
        foreach (var dir in Dirs(id))
            foreach (var procs in Directory.EnumerateFiles(dir, "cgroup.procs", SearchOption.AllDirectories))
                try
                {
                    foreach (var line in File.ReadAllLines(procs))
                        if (int.TryParse(line, out int pid)) pids.Add(pid);
                }
                catch (IOException) { }
        return pids;
    }

    /// <summary>Removes the container's cgroup dirs (deepest first), retrying while they are busy.</summary>
    public static void Remove(string id)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        foreach (var dir in Dirs(id))
        {
            var all = Directory.EnumerateDirectories(dir, "*", SearchOption.AllDirectories)
                .OrderByDescending(d => d.Length).Append(dir).ToList();
            foreach (var d in all)
                while (Directory.Exists(d) && rmdir(d) != 0 && DateTime.UtcNow < deadline)
                    Thread.Sleep(50);
        }
    }

    /// <summary>At the end of the run: rmdir /sys/fs/cgroup/*/oci-conformance if nothing is left in it.</summary>
    public static void RemoveParentIfEmpty()
    {
        foreach (var h in Hierarchies())
        {
            string p = System.IO.Path.Combine(h, TestEnv.CgroupParent);
            if (Directory.Exists(p)) rmdir(p);
        }
    }

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int rmdir(string path);
}
