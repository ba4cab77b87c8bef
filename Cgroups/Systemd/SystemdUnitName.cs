using System;
using System.Text;

namespace OciRuntime.Cgroups.Systemd;

/// <summary>
/// linux.cgroupsPath under the systemd driver, as runc 1.1.5 reads it (libcontainer/specconv and
/// cgroups/systemd): "slice:prefix:name" (containerd with SystemdCgroup = true, kubelet:
/// "kubepods-besteffort-pod123.slice:cri-containerd:&lt;id&gt;"), or empty, which means
/// "system.slice:runc:&lt;id&gt;". An empty slice part means system.slice. The unit is the scope
/// "prefix-name.scope" (runc writes the dash even when the prefix is empty). Its cgroup lives
/// where systemd puts it: the slice name expanded by its dashes (a-b.slice is
/// /a.slice/a-b.slice) plus the unit name.
/// </summary>
public sealed record SystemdUnitName(string Slice, string Unit)
{
    public const string DefaultSlice = "system.slice";
    public const string DefaultPrefix = "runc";

    /// <summary>The scope's cgroup path inside the hierarchy, e.g. /kubepods.slice/kubepods-besteffort.slice/cri-containerd-abc.scope.</summary>
    public string CgroupPath
    {
        get
        {
            string slice = ExpandSlice(Slice);
            return (slice == "/" ? "" : slice) + "/" + Unit;
        }
    }

    public static SystemdUnitName Parse(string? cgroupsPath, string id, string defaultSlice = DefaultSlice)
    {
        string slice, prefix, name;
        if (string.IsNullOrEmpty(cgroupsPath))
        {
            (slice, prefix, name) = (defaultSlice, DefaultPrefix, id);
        }
        else
        {
            string[] parts = cgroupsPath.Split(':');
            if (parts.Length != 3)
                throw new CgroupException($"linux.cgroupsPath: expected \"slice:prefix:name\" for systemd cgroups, got \"{cgroupsPath}\" (pass a path of that form, or drop --systemd-cgroup to use the cgroupfs driver)");
            (slice, prefix, name) = (parts[0].Length == 0 ? defaultSlice : parts[0], parts[1], parts[2]);
        }
        if (name.Length == 0)
            throw new CgroupException($"linux.cgroupsPath: \"{cgroupsPath}\": the name part (after the second ':') is empty");
        if (name.EndsWith(".slice", StringComparison.Ordinal))
            throw new CgroupException($"linux.cgroupsPath: \"{cgroupsPath}\": a container needs a scope, not the slice \"{name}\" (systemd accepts no processes in a slice)");
        ExpandSlice(slice); // validates
        string unit = prefix + "-" + name + ".scope";
        CheckUnitName(unit, cgroupsPath);
        return new SystemdUnitName(slice, unit);
    }

    /// <summary>
    /// systemd's slice hierarchy: each '-' separated prefix is a parent slice, so
    /// "kubepods-besteffort-pod1.slice" is /kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod1.slice
    /// and "-.slice" is the root.
    /// </summary>
    public static string ExpandSlice(string slice)
    {
        const string suffix = ".slice";
        if (!slice.EndsWith(suffix, StringComparison.Ordinal) || slice.Length == suffix.Length || slice.Contains('/'))
            throw new CgroupException($"linux.cgroupsPath: invalid slice name \"{slice}\" (a systemd slice name ends in .slice and has no '/', e.g. system.slice or kubepods-besteffort.slice)");
        string stem = slice.Substring(0, slice.Length - suffix.Length);
        if (stem == "-") return "/";
        var path = new StringBuilder();
        string prefix = "";
        foreach (string component in stem.Split('-'))
        {
            if (component.Length == 0)
                throw new CgroupException($"linux.cgroupsPath: invalid slice name \"{slice}\" (empty component between dashes)");
            path.Append('/').Append(prefix).Append(component).Append(suffix);
            prefix += component + "-";
        }
        CheckUnitName(slice, slice);
        return path.ToString();
    }

    /// <summary>systemd's unit_name_is_valid: at most 255 bytes, only [A-Za-z0-9:_.\\-].</summary>
    private static void CheckUnitName(string unit, string? source)
    {
        if (unit.Length > 255)
            throw new CgroupException($"linux.cgroupsPath: \"{source}\": the unit name {unit} is longer than systemd's 255 characters");
        foreach (char c in unit)
        {
            bool ok = c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or ':' or '_' or '.' or '-' or '\\';
            if (!ok)
                throw new CgroupException($"linux.cgroupsPath: \"{source}\": the unit name {unit} has '{c}', which systemd does not allow in unit names (only letters, digits, ':', '_', '.', '-', '\\')");
        }
    }
}
