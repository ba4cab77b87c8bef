using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using OciRuntime.Cgroups;
using OciRuntime.Errors;

namespace OciRuntime.Container;

/// <summary>
/// `exec --cgroup`, as runc 1.1.5: `--cgroup PATH` (once) or `--cgroup CONTROLLER[,CONTROLLER]:PATH`
/// (repeatable) starts the process in an existing sub-cgroup of the container's cgroup. runc keys
/// a container's cgroups by controller, the unified hierarchy by "" (its only key on cgroup v2); this
/// runtime keeps a container in the unified hierarchy alone, so `PATH` and `:PATH` name a
/// sub-cgroup, and a named controller is one the container has no cgroup of its own for (a v1
/// hierarchy on a hybrid host), which runc too refuses as unknown where it has no path for it.
/// </summary>
public static class ExecSubCgroup
{
    /// <summary>
    /// The directory the exec'd process joins: <paramref name="containerCgroup"/> itself without
    /// --cgroup, else the sub-cgroup, checked to exist and to lie inside the container's cgroup.
    /// </summary>
    public static string? Resolve(IReadOnlyList<string> args, string? containerCgroup, string id)
    {
        if (args.Count == 0) return containerCgroup;
        string sub = SubPath(Parse(args));
        if (containerCgroup is null)
            throw new RuntimeException($"exec --cgroup {sub}: container \"{id}\" has no cgroup (it was created with --cgroup-manager=disabled or without a cgroup v2 mount): drop --cgroup");
        string root = Join(containerCgroup, "");
        string dir = Join(root, sub);
#if !OCI_WEAKEN_EXEC_CGROUP_ESCAPE
        // A process put above its container's cgroup escapes the container's limits, device filter
        // and freezer. runc 1.1.5 compares string prefixes only, so "../c1x" reaches a sibling
        // c1x; whole components are compared here.
        if (dir != root && !dir.StartsWith(root + "/", StringComparison.Ordinal))
            throw new RuntimeException($"invalid --cgroup argument: {sub} is not a sub-cgroup of the container's cgroup {root} (it resolves to {dir}): give a path inside it, without \"..\" leading out");
#endif
        if (!Directory.Exists(dir))
            throw new RuntimeException($"exec --cgroup {sub}: the sub-cgroup {dir} does not exist: create it first (mkdir {dir}); exec only joins existing sub-cgroups, as runc does");
        return dir;
    }

    /// <summary>runc 1.1.5's getSubCgroupPaths: controller → path, "" for a path without a controller.</summary>
    public static Dictionary<string, string> Parse(IReadOnlyList<string> args)
    {
        var paths = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string a in args)
        {
            string[] parts = a.Split(':', 3);
            if (parts.Length > 2) throw new RuntimeException($"invalid --cgroup argument: {a}");
            if (parts.Length == 1)
            {
                if (args.Count != 1) throw new RuntimeException($"invalid --cgroup argument: {a} (missing <controller>: prefix)");
                paths[""] = a;
            }
            else
                foreach (string controller in parts[0].Split(','))
                    paths[controller] = parts[1];
        }
        return paths;
    }

    /// <summary>
    /// The one path this runtime can use. As runc: a "" entry applies to every hierarchy and
    /// wins; otherwise each controller needs a cgroup of the container, and ours are none.
    /// </summary>
    private static string SubPath(Dictionary<string, string> paths)
    {
        if (paths.TryGetValue("", out string? all)) return all;
        var (controller, path) = paths.First();   // Parse gives at least one entry for a non-empty list
        throw new RuntimeException($"exec --cgroup {controller}:{path}: {WhyNoCgroupFor(controller)}");
    }

    private static string WhyNoCgroupFor(string controller)
    {
        string? unified = CgroupMount.FindUnified();
        if (V1Controllers().Contains(controller))
            return $"{controller} is a cgroup v1 hierarchy on this host, and oci-runtime keeps containers in cgroup v2 only ({unified ?? "no cgroup v2 mount"}), so the container has no {controller} cgroup: give the sub-cgroup without a controller (--cgroup PATH)";
        if (unified is not null && UnifiedControllers(unified).Contains(controller))
            return $"in cgroup v2 every controller, {controller} included, shares one hierarchy: give the sub-cgroup without a controller (--cgroup PATH)";
        return $"unknown controller {controller} in SubCgroupPaths (the container's only cgroup is in cgroup v2: give the sub-cgroup without a controller, --cgroup PATH)";
    }

    /// <summary>Controllers (and "name=" hierarchies) of the v1 hierarchies this process is in: "N:a,b:/path" with N ≠ 0.</summary>
    private static HashSet<string> V1Controllers()
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            foreach (string line in File.ReadLines("/proc/self/cgroup"))
            {
                string[] f = line.Split(':', 3);
                if (f.Length == 3 && f[0] != "0")
                    foreach (string c in f[1].Split(',')) if (c.Length > 0) set.Add(c);
            }
        }
        catch (IOException) { }
        return set;
    }

    private static HashSet<string> UnifiedControllers(string mount)
    {
        try { return new HashSet<string>(File.ReadAllText(Path.Combine(mount, "cgroup.controllers")).Split(' ', '\n', StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal); }
        catch (IOException) { return new HashSet<string>(); }
    }

    /// <summary>Go's path.Join(base, sub): "/"-separated, "." dropped, ".." removes a component (never above "/").</summary>
    public static string Join(string baseDir, string sub)
    {
        var parts = new List<string>();
        foreach (string p in (baseDir + "/" + sub).Split('/'))
        {
            if (p.Length == 0 || p == ".") continue;
            if (p == "..") { if (parts.Count > 0) parts.RemoveAt(parts.Count - 1); }
            else parts.Add(p);
        }
        return "/" + string.Join('/', parts);
    }
}
