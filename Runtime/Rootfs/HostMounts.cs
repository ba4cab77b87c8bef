using System;
using System.IO;
using OciRuntime.Errors;
using OciRuntime.Native.Interop;
using OciRuntime.Spec.Config;
using OciRuntime.State;

namespace OciRuntime.Rootfs;

/// <summary>
/// A config without a mount namespace (config-linux.md: the container then shares the runtime's):
/// the init builds the rootfs in the caller's mount namespace, where its mounts outlive it. They
/// all lie under one private bind of the rootfs onto itself (RootfsPlanner); this records that bind
/// and detaches it, with everything beneath, at delete (or when create fails).
/// </summary>
public static class HostMounts
{
    private const int MNT_DETACH = 2, UMOUNT_NOFOLLOW = 8;

    public static bool OwnMountNamespace(LinuxSpec? linux) =>
        linux?.Namespaces is { } list && list.Exists(n => n.Type == "mount");

    /// <summary>
    /// runc's rule: masked and read-only paths would be mounts over the host's own files. And a
    /// root of a user namespace may not mount in a mount namespace it does not own: say so instead
    /// of failing at the first mount with EPERM.
    /// </summary>
    public static void EnsureAllowed(LinuxSpec? linux, bool inUserNamespace)
    {
        if (inUserNamespace)
            throw new RuntimeException("config.json: linux.namespaces: a container in a user namespace needs a mount namespace too (add {\"type\": \"mount\"}): " +
                "its root may not mount in the caller's mount namespace");
        foreach (var (field, paths) in new[] { ("maskedPaths", linux?.MaskedPaths), ("readonlyPaths", linux?.ReadonlyPaths) })
            if (paths is { Count: > 0 })
                throw new RuntimeException($"config.json: linux.{field}: needs a mount namespace of the container's own, or these mounts would cover the host's files " +
                    $"(add {{\"type\": \"mount\"}} to linux.namespaces, or remove linux.{field}); runc refuses this too");
    }

    /// <summary>Before the init runs: what delete must look for, or null when the container has its own mount namespace.</summary>
    public static HostMountRecord? Before(string rootfs, LinuxSpec? linux)
    {
        if (OwnMountNamespace(linux)) return null;
        string path = Canonical(rootfs);
        return new HostMountRecord { Path = path, MountIdBefore = TopMountId(path) };
    }

    /// <summary>After create: the container's bind is the mount on top of the rootfs now.</summary>
    public static void Confirm(HostMountRecord r)
    {
        int top = TopMountId(r.Path);
        if (top != r.MountIdBefore) r.MountId = top;
    }

    /// <summary>Detaches the container's bind and every mount beneath it; nothing when it is gone already.</summary>
    public static void Undo(HostMountRecord r)
    {
#if !OCI_WEAKEN_HOST_MOUNTNS   // runc 1.1 leaves them
        int top = TopMountId(r.Path);
        if (top == 0) return;
        bool ours = r.MountId != 0 ? top == r.MountId : top != r.MountIdBefore;
        if (!ours) return;
        if (Sys.Umount2(r.Path, MNT_DETACH | UMOUNT_NOFOLLOW) < 0 && Sys.LastErrno is int e && e != Errno.EINVAL && e != Errno.ENOENT)
            throw new SyscallException($"detach the container's mounts at {r.Path} (umount2 MNT_DETACH; the container had no mount namespace, so they are in the caller's); unmount it by hand: umount -l {r.Path}", e);
#endif
    }

    /// <summary>The path as the kernel names it (symlinks resolved, e.g. /var/run -> /run), which is what mountinfo shows.</summary>
    private static string Canonical(string path)
    {
        int fd = Sys.Open(path, O.PATH | O.CLOEXEC, 0);
        if (fd < 0) throw new SyscallException($"open the rootfs {path}", Sys.LastErrno);
        try { return new FileInfo($"/proc/self/fd/{fd}").LinkTarget ?? path; }
        finally { Sys.Close(fd); }
    }

    /// <summary>The id of the topmost mount whose mount point is exactly <paramref name="path"/> (the last in mountinfo), 0 when none.</summary>
    internal static int TopMountId(string path, string mountinfo = "/proc/self/mountinfo")
    {
        int id = 0;
        foreach (string line in File.ReadLines(mountinfo))
        {
            string[] f = line.Split(' ', 6);
            if (f.Length < 5 || NoPivotDetach.Unescape(f[4]) != path) continue;
            if (int.TryParse(f[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int v)) id = v;
        }
        return id;
    }
}
