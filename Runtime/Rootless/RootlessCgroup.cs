using System;
using System.IO;
using OciRuntime.Cgroups;
using OciRuntime.Errors;
using OciRuntime.Logging;
using OciRuntime.Native.Interop;
using OciRuntime.Spec.Config;

namespace OciRuntime.Rootless;

/// <summary>
/// runc's rootless cgroup policy. A user may create a cgroup only where the cgroup v2 tree was
/// delegated to it (systemd's user@.service Delegate=yes, or a directory chowned to it). When it
/// cannot, a container that gives no linux.cgroupsPath and asks for no limit runs without a cgroup
/// (a warning in --log); one that does is refused with what to do. Where it can, limits are applied as for root, without the
/// eBPF device filter.
/// </summary>
public static class RootlessCgroup
{
    /// <summary>
    /// Creates the container's cgroup. Returns false when rootless, refused by permissions, no
    /// linux.cgroupsPath was given and no limit needs it: the caller goes on without a cgroup.
    /// </summary>
    public static bool TryCreate(CgroupV2Manager cgroup, bool rootless, string? cgroupsPath, LinuxResources? resources)
    {
        try
        {
            cgroup.Create();
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (!rootless || !IsPermission(e))
                throw new RuntimeException($"config.json: linux.cgroupsPath: cannot create cgroup {cgroup.Dir}: {e.Message}");
            // runc: a path the user asked for is never silently dropped.
            if (!string.IsNullOrEmpty(cgroupsPath))
                throw new RuntimeException(
                    $"config.json: linux.cgroupsPath: rootless: cannot create cgroup {cgroup.Dir}: {e.Message}: delegate that part of the cgroup v2 tree to uid {Sys.GetEuid()} (systemd user@.service Delegate=yes, or chown the directory), or leave linux.cgroupsPath empty to run without a cgroup");
            if (AskedFor(resources) is string what)
                throw new RuntimeException(
                    $"config.json: {what}: rootless: cannot create cgroup {cgroup.Dir} ({e.Message}) to apply it: delegate a cgroup v2 subtree to uid {Sys.GetEuid()} (systemd user@.service Delegate=yes, or chown a directory) and put linux.cgroupsPath under it, or remove the limit");
            RuntimeLog.WarningToLog($"rootless: running without a cgroup: cannot create {cgroup.Dir}: {e.Message} (no limit was asked for)");
            return false;
        }
    }

    /// <summary>The config path of the first limit that needs a cgroup (writes that may be skipped do not count; nor do devices in rootless mode).</summary>
    public static string? AskedFor(LinuxResources? r)
    {
        foreach (CgroupWrite w in ResourceWriter.Plan(r))
            if (!w.Optional) return w.Source;
        return null;
    }

    private static bool IsPermission(Exception e) =>
        e is UnauthorizedAccessException || (e.HResult & 0xffff) is Errno.EACCES or Errno.EPERM or Errno.EROFS;

    /// <summary>
    /// `--systemd-cgroup` as a user talks to the user's own systemd manager (runc does the same,
    /// over the session bus; we use the manager's private socket, Cgroups/Systemd/SystemdManager).
    /// Without one there is nobody to ask: say so before anything is made.
    /// </summary>
    public static void CheckSystemdManager(bool rootless, bool systemdCgroup)
    {
        if (!rootless || !systemdCgroup) return;
        string? socket = Cgroups.Systemd.SystemdManager.UserPrivateSocket();
        if (socket is not null && File.Exists(socket)) return;
        throw new RuntimeException(
            $"--systemd-cgroup: rootless: the user's systemd manager is needed and there is none ({(socket is null ? "XDG_RUNTIME_DIR is not set" : socket + " does not exist")}): start it (systemctl start user@{Cgroups.Systemd.SystemdManager.PeerUid}.service, or loginctl enable-linger USER), or use --cgroup-manager cgroupfs");
    }
}
