using System.Collections.Generic;
using System.Text;
using OciRuntime.Errors;
using OciRuntime.Spec.Config;

namespace OciRuntime.Container;

/// <summary>
/// Writes linux.uidMappings/gidMappings into /proc/&lt;pid&gt;/{uid,gid}_map from outside the new
/// user namespace (only the parent namespace may). An unprivileged runtime must deny setgroups first.
/// </summary>
public static class IdMapWriter
{
    public static void Write(int pid, LinuxSpec? linux, bool denySetgroups)
    {
        if (denySetgroups) WriteFile(pid, "setgroups", "deny", "linux.uidMappings");
        WriteFile(pid, "uid_map", Render(linux?.UidMappings), "linux.uidMappings");
        WriteFile(pid, "gid_map", Render(linux?.GidMappings), "linux.gidMappings");
    }

    private static string Render(List<LinuxIdMapping>? maps)
    {
        var sb = new StringBuilder();
        if (maps is null) return "";
        foreach (LinuxIdMapping m in maps) sb.Append(m.ContainerId).Append(' ').Append(m.HostId).Append(' ').Append(m.Size).Append('\n');
        return sb.ToString();
    }

    private static void WriteFile(int pid, string name, string content, string where)
    {
        if (content.Length == 0) return;
        if (HostProcfs.Write(pid, name, content) is string failure)
            throw new RuntimeException($"config.json: {where}: {failure} (the host ids must exist and not overlap)");
    }
}
