namespace OciRuntime.Conformance.Fuzz;

/// <summary>
/// Finds what a case left on the host without trusting the runtime, and removes it by force.
/// Touches only this case's processes, its cgroup dirs under /sys/fs/cgroup/*/oci-fuzz, mounts
/// naming its dir, and the dir itself.
/// </summary>
public static class FuzzResidue
{
    const string CgroupBase = "/sys/fs/cgroup";

    /// <summary>Residue after delete --force. Waits up to 1 s for the kernel to finish what the runtime started.</summary>
    public static void Check(List<FuzzFailure> failures, FuzzCaseDir c)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(1);
        List<FuzzFailure> found;
        do
        {
            found = [];
            var procs = Processes(c);
            if (procs.Count > 0)
                found.Add(new("residue-process", string.Join(", ", procs.Select(p => $"{p} {Comm(p)}"))));
            var cgroups = CgroupDirs(c);
            if (cgroups.Count > 0)
                found.Add(new("residue-cgroup", string.Join(", ", cgroups)));
            // Only what names the container: a runtime may keep caches of its own in --root (seccomp-cache).
            if (Directory.Exists(c.StateRoot) && Directory.GetFileSystemEntries(c.StateRoot).Select(Path.GetFileName)
                    .Where(e => e!.Contains(c.Id, StringComparison.Ordinal)).ToList() is { Count: > 0 } state)
                found.Add(new(state.Contains(c.Id) ? "residue-state" : "residue-lock", string.Join(", ", state)));
            var mounts = Mounts(c);
            if (mounts.Count > 0)
                found.Add(new("residue-mount", string.Join(", ", mounts)));
            var escaped = Escapes(c);
            if (escaped.Count > 0)
                found.Add(new("escape", "created on the host outside the rootfs: " + string.Join(", ", escaped)));
            if (found.Count == 0) break;
            Thread.Sleep(100);
        } while (DateTime.UtcNow < deadline);
        failures.AddRange(found);
    }

    /// <summary>Kills, thaws, unmounts and removes everything of the case (also before a case reuses its name).</summary>
    public static void Clean(FuzzCaseDir c)
    {
        for (int i = 0; i < 30; i++)
        {
            foreach (var dir in CgroupDirs(c)) Thaw(dir);
            var procs = Processes(c);
            if (procs.Count == 0) break;
            foreach (var p in procs) Libc.kill(p, 9);
            Thread.Sleep(50);
        }
        for (int i = 0; i < 10; i++)
        {
            var mounts = Mounts(c);
            if (mounts.Count == 0) break;
            foreach (var m in mounts.OrderByDescending(m => m.Length)) Native.umount2(m, Native.MNT_DETACH);
        }
        foreach (var dir in CgroupDirs(c))
            foreach (var d in Directory.EnumerateDirectories(dir, "*", SearchOption.AllDirectories).OrderByDescending(d => d.Length).Append(dir))
                for (int i = 0; i < 20 && Directory.Exists(d) && Native.rmdir(d) != 0; i++) Thread.Sleep(50);
        // Never rm -rf through a mount that is still there: it could reach the host.
        if (Mounts(c).Count == 0 && Directory.Exists(c.Dir))
            try { Directory.Delete(c.Dir, recursive: true); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
            {
                // Mount points created for 4 KB destinations nest deeper than PATH_MAX, and names that are
                // not UTF-8 trip .NET's enumeration (ArgumentException): rm walks them with openat.
                ProcessRunner.Run("/bin/rm", ["-rf", "--one-file-system", c.Dir]);
            }
    }

    /// <summary>At the end of a run: rmdir /sys/fs/cgroup/*/oci-fuzz where nothing is left in it.</summary>
    public static void RemoveCgroupParents()
    {
        var hierarchies = Directory.Exists(CgroupBase) ? Directory.GetDirectories(CgroupBase).Append(CgroupBase) : [];
        foreach (var h in hierarchies)
            if (Directory.Exists(Path.Combine(h, FuzzCaseDir.CgroupParent))) Native.rmdir(Path.Combine(h, FuzzCaseDir.CgroupParent));
    }

    static void Thaw(string dir)
    {
        foreach (var (file, value) in new[] { ("cgroup.freeze", "0"), ("freezer.state", "THAWED") })
            try { if (File.Exists(Path.Combine(dir, file))) File.WriteAllText(Path.Combine(dir, file), value); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    /// <summary>Live processes of the case: the marker in environ, its cgroup, or root/cwd inside the case dir.</summary>
    public static List<int> Processes(FuzzCaseDir c)
    {
        var found = new HashSet<int>(OciRuntime.Conformance.Processes.Marked(c.Id));
        string cg = $"/{FuzzCaseDir.CgroupParent}/{c.Id}";
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid) || pid == Environment.ProcessId) continue;
            try
            {
                if (File.ReadAllText(Path.Combine(dir, "cgroup")).Contains(cg, StringComparison.Ordinal) ||
                    Under(new FileInfo(Path.Combine(dir, "root")).LinkTarget, c.Dir) || Under(new FileInfo(Path.Combine(dir, "cwd")).LinkTarget, c.Dir))
                    found.Add(pid);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
        return found.Where(Libc.ProcessAlive).Order().ToList();
    }

    static bool Under(string? path, string dir) => path != null && (path == dir || path.StartsWith(dir + "/", StringComparison.Ordinal));

    static string Comm(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/comm").Trim(); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return "?"; }
    }

    public static List<string> CgroupDirs(FuzzCaseDir c)
    {
        var hierarchies = Directory.Exists(CgroupBase) ? Directory.GetDirectories(CgroupBase).Append(CgroupBase) : [];
        return hierarchies.Select(h => Path.Combine(h, FuzzCaseDir.CgroupParent, c.Id)).Where(Directory.Exists).ToList();
    }

    /// <summary>Mount points in our (the host's) mount namespace that name the case dir.</summary>
    public static List<string> Mounts(FuzzCaseDir c) =>
        MountInfo.Parse(File.ReadAllText("/proc/self/mountinfo"))
            .Where(m => Under(m.MountPoint, c.Dir) || Under(m.Root, c.Dir)).Select(m => m.MountPoint).Distinct().ToList();

    /// <summary>Anything in the canary, or new in the case dir or bundle: a path resolved on the host instead of in the rootfs.</summary>
    static List<string> Escapes(FuzzCaseDir c)
    {
        var list = new List<string>();
        if (Directory.Exists(c.Canary))
            list.AddRange(Directory.EnumerateFileSystemEntries(c.Canary, "*", SearchOption.AllDirectories));
        if (Directory.Exists(c.Dir))
            list.AddRange(Directory.GetFileSystemEntries(c.Dir).Where(e => !FuzzCaseDir.ExpectedTop.Contains(Path.GetFileName(e))));
        if (Directory.Exists(c.Bundle))
            list.AddRange(Directory.GetFileSystemEntries(c.Bundle).Where(e => !FuzzCaseDir.ExpectedBundle.Contains(Path.GetFileName(e))));
        return list;
    }
}
