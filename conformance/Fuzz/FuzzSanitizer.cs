using System.Text.Json.Nodes;

namespace OciRuntime.Conformance.Fuzz;

/// <summary>
/// Applied after every mutation, so that no generated config can reach the host whatever the runtime
/// does with it: the fields a runtime acts on outside the container's own namespaces and cgroup are
/// forced or rewritten. Wrong types elsewhere stay (any JSON binder rejects them). What it enforces:
///   - no hooks; no namespace paths; mount, uts, ipc and net namespaces always new (mounts, hostname and
///     sysctls stay private even if a runtime ignored a bad entry); linux must be an object, namespaces an array
///   - linux.cgroupsPath = /oci-fuzz/&lt;id&gt;; resources.unified keys never name cgroup.procs, tasks, release_agent or a path
///   - root.path only one of a few names inside the bundle
///   - mount sources outside the case dir rewritten to case paths; only a few filesystem types (others become
///     an unknown type); option values naming paths point into the case dir; no release_agent
///   - sysctl keys from a list of namespaced ones (or bogus ones); netDevices never name a host interface;
///     seccomp.listenerPath inside the case dir; intelRdt.closID a fixed name
/// </summary>
public static class FuzzSanitizer
{
    static readonly HashSet<string> SafeMountTypes =
        ["proc", "sysfs", "tmpfs", "devpts", "mqueue", "bind", "rbind", "cgroup", "cgroup2", "none", "", "ofzfs", "ext4", "overlay"];

    static readonly HashSet<string> SafeSysctls =
    [
        "net.ipv4.ip_forward", "net.ipv4.ping_group_range", "net.core.somaxconn", "net.ipv4.ip_unprivileged_port_start",
        "net.ipv4.conf.all.forwarding", "kernel.shmmax", "kernel.msgmax", "kernel.shm_rmid_forced", "kernel.sem",
        "fs.mqueue.msg_max", "kernel.hostname", "kernel.domainname", "fuzz.bogus", "net.ipv4.nonexistent", "", "kernel.",
    ];

    static readonly HashSet<string> UnsafeCgroupFiles =
        ["cgroup.procs", "cgroup.threads", "tasks", "release_agent", "notify_on_release", "cgroup.clone_children"];

    public static readonly string[] SafeRootPaths = ["rootfs", "./rootfs", "rootfs/", "rootfs-link", "missing-rootfs", "", "rootfs/tmp", "rootfs/bin/sh"];

    public static void Apply(FuzzDoc d)
    {
        if (d.Root is not JsonObject cfg) return;   // not an object: every runtime rejects it
        var c = d.Case;
        cfg.Remove("hooks");

        if (cfg["root"] is JsonObject root)
        {
            string? p = FuzzDoc.AsString(root["path"]);
            if (root["path"] == null || p != null && !SafeRootPaths.Contains(p) && p != c.Rootfs)
                root["path"] = "rootfs";
        }

        if (cfg["linux"] is not JsonObject linux) cfg["linux"] = linux = new JsonObject();
        linux["cgroupsPath"] = c.CgroupsPath;
        if (linux["namespaces"] is not JsonArray ns) linux["namespaces"] = ns = new JsonArray();
        foreach (var e in ns)
            if (e is JsonObject o) o.Remove("path");
        foreach (var type in new[] { "mount", "uts", "ipc", "network" })
            if (!ns.Any(e => e is JsonObject o && FuzzDoc.AsString(o["type"]) == type))
                ns.Add(new JsonObject { ["type"] = type });

        if (linux["sysctl"] is JsonObject sysctl)
        {
            int n = 0;
            foreach (var (k, v) in sysctl.ToList())
                if (!SafeSysctls.Contains(k))
                {
                    sysctl.Remove(k);
                    sysctl[$"fuzz.bogus{n++}"] = v?.DeepClone();
                }
        }

        if (linux["resources"] is JsonObject res && res["unified"] is JsonObject unified)
            foreach (var (k, v) in unified.ToList())
                if (k.Contains('/') || k.StartsWith('.') || UnsafeCgroupFiles.Contains(k))
                {
                    unified.Remove(k);
                    unified["fuzz.bogus"] = v?.DeepClone();
                }

        if (linux["netDevices"] is JsonObject netDevices)
        {
            var host = Directory.Exists("/sys/class/net") ? Directory.GetFileSystemEntries("/sys/class/net").Select(Path.GetFileName).ToHashSet() : [];
            int n = 0;
            foreach (var (k, v) in netDevices.ToList())
                if (host.Contains(k) || k.Contains('/') || k is "." or "..")
                {
                    netDevices.Remove(k);
                    netDevices[$"ofz{n++}"] = v?.DeepClone();
                }
        }

        if (linux["seccomp"] is JsonObject seccomp && seccomp.ContainsKey("listenerPath"))
            seccomp["listenerPath"] = Path.Combine(c.Dir, "no-listener.sock");

        if (linux["intelRdt"] is JsonObject rdt && rdt.ContainsKey("closID"))
            rdt["closID"] = "oci-fuzz-clos";

        if (cfg["mounts"] is JsonArray mounts)
            foreach (var m in mounts.OfType<JsonObject>())
                SanitizeMount(m, c);
    }

    static void SanitizeMount(JsonObject m, FuzzCaseDir c)
    {
        string? type = FuzzDoc.AsString(m["type"]);
        if (type != null && !SafeMountTypes.Contains(type)) m["type"] = "ofzfs";

        string? source = FuzzDoc.AsString(m["source"]);
        if (source != null && !InsideCase(source, c))
        {
            // Only labels of virtual filesystems may stay as they are (they name nothing on the host).
            bool label = source is "proc" or "sysfs" or "tmpfs" or "devpts" or "mqueue" or "shm" or "cgroup" or "cgroup2" or "none" or "" or "ofzfs";
            if (!label) m["source"] = Path.Combine(c.BindDir, LooksLikeFile(FuzzDoc.AsString(m["destination"])) ? "file" : "dir");
        }

        // Below a cgroup mount a runtime may bind the host's hierarchies: never create anything there.
        string? dest = FuzzDoc.AsString(m["destination"]);
        if (dest != null && dest.TrimEnd('/').StartsWith("/sys/fs/cgroup/", StringComparison.Ordinal))
            m["destination"] = "/tmp/ofz-under-cgroup";

        if (m["options"] is JsonArray opts)
            for (int i = opts.Count - 1; i >= 0; i--)
            {
                string? o = FuzzDoc.AsString(opts[i]);
                if (o == null) continue;
                if (o.Contains("agent", StringComparison.OrdinalIgnoreCase)) { opts.RemoveAt(i); continue; }
                int eq = o.IndexOf('=');
                if (eq >= 0 && o.IndexOf('/', eq) >= 0) opts[i] = o[..(eq + 1)] + Path.Combine(c.BindDir, "dir");
            }
    }

    /// <summary>Client configs bind files onto /etc/hosts and the like, directories elsewhere.</summary>
    static bool LooksLikeFile(string? dest)
    {
        string name = Path.GetFileName(dest ?? "");
        return name.Contains('.') || name is "hosts" or "hostname" or "passwd" or "group" or "localtime" or "null";
    }

    /// <summary>True if the path, relative ones taken from the bundle dir (the runtime's cwd), stays in the case's bind/ dir.</summary>
    static bool InsideCase(string p, FuzzCaseDir c)
    {
        if (p.Length == 0 || p.Contains('\0')) return false;
        string full = Path.GetFullPath(p, c.Bundle);
        return full == c.BindDir || full.StartsWith(c.BindDir + "/", StringComparison.Ordinal);
    }
}
