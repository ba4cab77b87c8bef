using System.Collections.Generic;
using System.Text;
using OciRuntime.Errors;
using OciRuntime.Native.Interop;
using OciRuntime.Rootless;
using OciRuntime.Spec.Config;

namespace OciRuntime.Container;

/// <summary>
/// Writes linux.uidMappings/gidMappings into /proc/&lt;pid&gt;/{uid,gid}_map from outside the new
/// user namespace (only the parent namespace may). A runtime with euid 0 (on the host, or root of
/// rootless podman's namespace) has CAP_SETUID there and writes any map itself. An unprivileged
/// one may write only a map of its own id, size 1, and for gid_map only after denying setgroups
/// (user_namespaces(7)); anything more goes through newuidmap/newgidmap (as runc does).
/// </summary>
public static class IdMapWriter
{
    /// <summary>How each map is written: by the runtime or by the setuid tool; and whether setgroups must be denied first.</summary>
    public readonly record struct Method(bool UidByTool, bool GidByTool, bool DenySetgroups);

    public static Method Decide(LinuxSpec? linux, uint euid, uint egid)
    {
        if (euid == 0) return new Method(false, false, false);
        bool uidTool = !OnlyOwnId(linux?.UidMappings, euid);
        bool gidTool = !OnlyOwnId(linux?.GidMappings, egid);
        return new Method(uidTool, gidTool, !gidTool && linux?.GidMappings is { Count: > 0 });
    }

    public static Method Decide(LinuxSpec? linux) => Decide(linux, Sys.GetEuid(), Sys.GetEgid());

    /// <summary>
    /// The child must stay dumpable until its maps are written (ProcessPlan.DumpableUntilGo): an
    /// unprivileged runtime (and newuidmap, which checks the caller owns /proc/&lt;pid&gt;) cannot
    /// open /proc/&lt;pid&gt;/uid_map of a non-dumpable process, which belongs to the host's root.
    /// </summary>
    public static bool NeedsDumpableChild() => Sys.GetEuid() != 0;

    /// <summary>The container's processes may call setgroups unless this writer denied it.</summary>
    public static bool SetgroupsAllowed(LinuxSpec? linux) => !Decide(linux).DenySetgroups;

    /// <summary>exec: setgroups works in the container unless its user namespace denies it (a rootless runtime wrote its gid map).</summary>
    public static bool SetgroupsAllowedIn(int initPid) => SetgroupsAllowedIn(initPid.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <param name="proc">A pid, or "self".</param>
    public static bool SetgroupsAllowedIn(string proc)
    {
        try { return System.IO.File.ReadAllText($"/proc/{proc}/setgroups").Trim() != "deny"; }
        catch (System.Exception e) when (e is System.IO.IOException or System.UnauthorizedAccessException) { return true; }
    }

    public static void Write(int pid, LinuxSpec? linux)
    {
        Method how = Decide(linux);
        if (how.DenySetgroups) WriteFile(pid, "setgroups", "deny", "linux.gidMappings");
        if (how.UidByTool) IdMapTool.Run("newuidmap", pid, linux!.UidMappings!, "linux.uidMappings");
        else WriteFile(pid, "uid_map", Render(linux?.UidMappings), "linux.uidMappings");
        if (how.GidByTool) IdMapTool.Run("newgidmap", pid, linux!.GidMappings!, "linux.gidMappings");
        else WriteFile(pid, "gid_map", Render(linux?.GidMappings), "linux.gidMappings");
    }

    /// <summary>The runtime writes both maps itself (an idmapped mount's namespace, which no process ever uses).</summary>
    public static void Write(int pid, LinuxSpec? linux, bool denySetgroups)
    {
        if (denySetgroups) WriteFile(pid, "setgroups", "deny", "linux.uidMappings");
        WriteFile(pid, "uid_map", Render(linux?.UidMappings), "linux.uidMappings");
        WriteFile(pid, "gid_map", Render(linux?.GidMappings), "linux.gidMappings");
    }

    private static bool OnlyOwnId(List<LinuxIdMapping>? maps, uint id) =>
        maps is null || maps.Count == 0 || (maps.Count == 1 && maps[0].HostId == id && maps[0].Size == 1);

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
