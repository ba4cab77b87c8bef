namespace OciRuntime.Cri;

/// <summary>
/// What a pod leaves on the host, read from /proc and /sys/fs/cgroup, and the fixture's last-resort
/// cleanup. Cgroup paths are checked in every hierarchy (v1 controllers for runc, the unified one
/// for oci-runtime).
/// </summary>
public static class HostState
{
    public static IEnumerable<string> CgroupHierarchies()
    {
        if (File.Exists("/sys/fs/cgroup/cgroup.controllers")) return ["/sys/fs/cgroup"];
        return Directory.GetDirectories("/sys/fs/cgroup").Where(d => !IsSymlink(d));
    }

    static bool IsSymlink(string p) => new FileInfo(p).LinkTarget is not null;

    /// <summary>Directories below /&lt;cgroup&gt; (not itself) in every hierarchy.</summary>
    public static List<string> CgroupDirsBelow(string cgroup) =>
        CgroupHierarchies().Select(h => h + "/" + cgroup.Trim('/')).Where(Directory.Exists)
            .SelectMany(d => Directory.GetDirectories(d, "*", SearchOption.AllDirectories)).ToList();

    /// <summary>The cgroup dir of <paramref name="cgroup"/> in each hierarchy where it exists.</summary>
    public static List<string> CgroupDirs(string cgroup) =>
        CgroupHierarchies().Select(h => h + "/" + cgroup.Trim('/')).Where(Directory.Exists).ToList();

    public static IEnumerable<int> Pids()
    {
        foreach (string d in Directory.GetDirectories("/proc"))
            if (int.TryParse(Path.GetFileName(d), out int pid)) yield return pid;
    }

    public static string Cmdline(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').TrimEnd(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return ""; }
    }

    static string CgroupFile(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/cgroup"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return ""; }
    }

    /// <summary>Live processes (not zombies) whose cgroup, in any hierarchy, is at or below /&lt;cgroup&gt;.</summary>
    public static List<int> ProcessesInCgroup(string cgroup)
    {
        string c = "/" + cgroup.Trim('/');
        return Pids().Where(p => CgroupFile(p).Split('\n').Any(l =>
        {
            int colon = l.IndexOf(':', l.IndexOf(':') + 1);
            if (colon < 0) return false;
            string path = l[(colon + 1)..];
            return (path == c || path.StartsWith(c + "/", StringComparison.Ordinal)) && !IsZombie(p);
        })).ToList();
    }

    /// <summary>Live processes whose command line contains <paramref name="text"/>.</summary>
    public static List<int> ProcessesMatching(string text) =>
        Pids().Where(p => p != Environment.ProcessId && Cmdline(p).Contains(text, StringComparison.Ordinal) && !IsZombie(p)).ToList();

    static bool IsZombie(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
    }

    public static void KillProcessesMatching(string text)
    {
        foreach (int p in ProcessesMatching(text)) Libc.kill(p, 9);
    }

    public static void KillProcessesInCgroup(string cgroup)
    {
        foreach (int p in ProcessesInCgroup(cgroup)) Libc.kill(p, 9);
    }

    /// <summary>Mount points at or below <paramref name="dir"/>, deepest first.</summary>
    public static List<string> MountsUnder(string dir) =>
        File.ReadAllLines("/proc/self/mountinfo").Select(l => l.Split(' ')[4].Replace("\\040", " "))
            .Where(m => m == dir || m.StartsWith(dir + "/", StringComparison.Ordinal)).OrderByDescending(m => m.Length).ToList();

    /// <summary>Unmounts everything under <paramref name="dir"/> (lazily if busy); true when nothing is left.</summary>
    public static bool UnmountUnder(string dir)
    {
        for (int round = 0; round < 3; round++)
        {
            var mounts = MountsUnder(dir);
            if (mounts.Count == 0) return true;
            foreach (string m in mounts)
                if (Libc.umount2(m, 0) != 0) Libc.umount2(m, Libc.MNT_DETACH);
        }
        return MountsUnder(dir).Count == 0;
    }

    /// <summary>Removes /&lt;cgroup&gt; and everything below it from every hierarchy (processes first killed).</summary>
    public static void RemoveCgroup(string cgroup)
    {
        KillProcessesInCgroup(cgroup);
        foreach (string top in CgroupDirs(cgroup))
        {
            var dirs = Directory.GetDirectories(top, "*", SearchOption.AllDirectories).OrderByDescending(d => d.Length).Append(top);
            foreach (string d in dirs)
            {
                for (int i = 0; i < 50; i++)
                {
                    try { Directory.Delete(d); break; }
                    catch (DirectoryNotFoundException) { break; }
                    catch (IOException) { Thread.Sleep(20); } // EBUSY while the last process is reaped
                }
            }
        }
    }
}
