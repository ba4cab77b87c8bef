using System;
using System.Collections.Generic;

namespace OciRuntime.Cgroups;

/// <summary>
/// config-linux.md "Cgroups Path": absolute paths are relative to the hierarchy's root; relative
/// paths (and an empty one, as runc's cgroupfs driver does: "&lt;own cgroup&gt;/&lt;id&gt;") nest under the
/// runtime's own cgroup. The result never escapes the hierarchy: ".." is clamped at its root.
/// </summary>
public static class CgroupPath
{
    public static string Resolve(string? cgroupsPath, string id, string ownCgroup)
    {
        string raw = string.IsNullOrEmpty(cgroupsPath) ? id : cgroupsPath;
        string joined = raw.StartsWith('/') ? raw : ownCgroup.TrimEnd('/') + "/" + raw;
        var parts = new List<string>();
        foreach (string p in joined.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (p == ".") continue;
            if (p == "..") { if (parts.Count > 0) parts.RemoveAt(parts.Count - 1); continue; }
            parts.Add(p);
        }
        return "/" + string.Join('/', parts);
    }
}
