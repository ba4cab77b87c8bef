using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace OciRuntime.Cgroups;

/// <summary>
/// Which controllers a cgroup can use, and enabling them: a controller is usable in cgroup C only
/// if every ancestor from the hierarchy's root down to C's parent lists it in cgroup.controllers
/// and has it in cgroup.subtree_control. Missing ones are enabled top-down, once (a controller
/// already in subtree_control is not written again). A controller the root does not have is
/// unavailable: on hybrid hosts that is everything but the few bound to v2 (here only hugetlb).
/// </summary>
public static class CgroupControllers
{
    /// <summary>cgroup.controllers (or any space-separated list file) as a set; empty if unreadable.</summary>
    public static HashSet<string> Read(string file)
    {
        try { return new HashSet<string>(File.ReadAllText(file).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal); }
        catch (IOException) { return new HashSet<string>(StringComparer.Ordinal); }
    }

    private static bool HasProcesses(string dir)
    {
        try { return File.ReadAllText(Path.Combine(dir, "cgroup.procs")).Trim().Length > 0; }
        catch (IOException) { return false; }
    }

    /// <summary>The directories from the mount root down to the parent of <paramref name="path"/> (a path inside the hierarchy).</summary>
    public static List<string> Ancestors(string mount, string path)
    {
        var dirs = new List<string> { mount.TrimEnd('/') };
        string[] parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        string cur = mount.TrimEnd('/');
        for (int i = 0; i < parts.Length - 1; i++)
        {
            cur += "/" + parts[i];
            dirs.Add(cur);
        }
        return dirs;
    }

    /// <summary>
    /// Fails, naming the controller, the setting that needs it and the host's cgroup mode, if the
    /// hierarchy's root does not offer a needed controller. (Intermediate cgroups offer what their
    /// parent enabled, which <see cref="Enable"/> then does; the root's list is what exists at all:
    /// the kernel's controllers minus those bound to v1, or what was delegated to this namespace.)
    /// </summary>
    public static void EnsureAvailable(string mount, string path, IReadOnlyList<CgroupWrite> writes)
    {
        string root = mount.TrimEnd('/');
        HashSet<string> have = Read(Path.Combine(root, "cgroup.controllers"));
        foreach (CgroupWrite w in writes)
        {
            if (w.Controller is not string c || have.Contains(c)) continue;
            throw new CgroupException(Unavailable(mount, root, c, SettingsNeeding(writes, c), have));
        }
    }

    /// <summary>
    /// The settings that need <paramref name="controller"/>, the one the caller asked for first:
    /// memory.swap is memory+swap, a companion of the limit (containerd's update sends both, and
    /// writes swap first as runc does), so an error naming only swap would point at the wrong field.
    /// </summary>
    public static string SettingsNeeding(IReadOnlyList<CgroupWrite> writes, string controller)
    {
        List<string> sources = writes.Where(w => w.Controller == controller).Select(w => w.Source).Distinct()
            .OrderBy(s => s.EndsWith(".swap", StringComparison.Ordinal) ? 1 : 0).ToList();
        return sources.Count == 1 ? sources[0] : $"{sources[0]} (also {string.Join(", ", sources.Skip(1))})";
    }

    public static string Unavailable(string mount, string dir, string controller, string source, HashSet<string> have)
    {
        string offered = have.Count == 0 ? "none" : string.Join(' ', have.OrderBy(x => x, StringComparer.Ordinal));
        if (!CgroupMount.IsPureV2(mount))
            return $"{source}: the {controller} controller is not available: this host's cgroups are hybrid (cgroup v2 at {mount} has only: {offered}; " +
                   $"the other controllers are bound to cgroup v1, which oci-runtime does not support). Remove the setting, or boot the host with cgroup v2 only " +
                   "(systemd.unified_cgroup_hierarchy=1, or cgroup_no_v1=all)";
        return $"{source}: the {controller} controller is not available: this host's cgroups are unified (cgroup v2 at {mount}), but {dir} offers only: {offered} " +
               "(the kernel lacks it, or it was not delegated to this cgroup namespace). Remove the setting or make the controller available";
    }

    /// <summary>
    /// Writes "+c" into each ancestor's cgroup.subtree_control where c is not enabled yet. With
    /// <paramref name="strict"/> false a failure is ignored (for controllers enabled only so stats
    /// and later updates find their files, not because a setting needs them).
    /// </summary>
    public static void Enable(string mount, string path, IEnumerable<string> controllers, bool strict = true, IReadOnlyList<CgroupWrite>? writes = null)
    {
        List<string> want = controllers.Distinct().ToList();
        if (want.Count == 0) return;
        string root = mount.TrimEnd('/');
        foreach (string dir in Ancestors(mount, path))
        {
            string sc = Path.Combine(dir, "cgroup.subtree_control");
            // A non-root cgroup with processes of its own must not enable controllers for its
            // children: domain controllers fail (EBUSY), and threaded ones (cpu, cpuset, pids)
            // succeed but make it a thread root, whose children can then hold no processes
            // (EOPNOTSUPP when the init is placed).
            if (dir != root && HasProcesses(dir))
            {
                if (!strict) return;
                List<string> missing = want.Where(c => !Read(sc).Contains(c)).ToList();
                if (missing.Count == 0) continue;
                throw new CgroupException($"enable the {string.Join(", ", missing)} controller(s) in {sc}: {dir} has processes of its own, " +
                    "and a cgroup with processes cannot enable controllers for its children (no internal processes); " +
                    "use an absolute linux.cgroupsPath outside the runtime's own cgroup");
            }
            HashSet<string> enabled = Read(sc);
            HashSet<string> offered = Read(Path.Combine(dir, "cgroup.controllers"));
            foreach (string c in want)
            {
                if (enabled.Contains(c) || !offered.Contains(c)) continue;
                try { File.WriteAllText(sc, "+" + c); }
                catch (Exception) when (!strict)
                {
                }
                catch (UnauthorizedAccessException e)
                {
                    // Rootless: only what was delegated to the user can be enabled below it.
                    string source = writes is null ? $"the {c} controller" : SettingsNeeding(writes, c);
                    string delegated = string.Join(' ', Read(Path.Combine(root, path.Trim('/'), "..", "cgroup.controllers")).Order(StringComparer.Ordinal));
                    throw new CgroupException($"{source}: the {c} controller is not delegated to uid {Native.Interop.Sys.GetEuid()}: cannot enable it in {sc} ({e.Message}); " +
                        $"the container's parent cgroup offers only: {(delegated.Length == 0 ? "none" : delegated)}. Delegate it (systemd: Delegate= of user@.service), or remove the setting", e);
                }
                catch (IOException e)
                {
                    // EBUSY: the cgroup has processes of its own ("no internal processes" rule).
                    throw new CgroupException($"enable the {c} controller in {sc}: {e.Message}" +
                        " (a cgroup with processes of its own cannot enable controllers for its children: use an absolute linux.cgroupsPath outside the runtime's own cgroup)", e);
                }
            }
        }
    }
}
