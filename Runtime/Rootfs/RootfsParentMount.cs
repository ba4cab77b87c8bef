using System;
using System.IO;
using OciRuntime.Native.Interop;

namespace OciRuntime.Rootfs;

/// <summary>
/// The mount that holds the rootfs directory, and whether the container must make it private
/// before binding the rootfs onto itself, as runc's rootfsParentMountPrivate does: pivot_root
/// fails with EINVAL when the new root's parent mount is shared, and a bind under a shared mount
/// propagates to its peers (the host). Unbindable too (runc 1.1.5 fails there): a bind out of an
/// unbindable mount is refused with EINVAL.
/// Read from the runtime's mountinfo before the clone: the new mount namespace starts as its copy,
/// after which only the "/" propagation change (<paramref name="rootPropagation"/>) happens first.
/// </summary>
public static class RootfsParentMount
{
    /// <summary>The mount point to make private, or null when the parent needs nothing.</summary>
    public static string? ToMakePrivate(string rootfs, ulong rootPropagation, string mountinfo = "/proc/self/mountinfo")
    {
        (string Point, bool Shared, bool Unbindable)? parent = Find(rootfs, mountinfo);
        if (parent is not { } p) return null;
        bool touchedByRoot = p.Point == "/" || (rootPropagation & MountFlags.REC) != 0;
        ulong type = rootPropagation & ~MountFlags.REC;
        bool shared = touchedByRoot ? type == MountFlags.SHARED : p.Shared;
        bool unbindable = touchedByRoot ? type == MountFlags.UNBINDABLE : p.Unbindable;
        return shared || unbindable ? p.Point : null;
    }

    /// <summary>The deepest mount whose mount point contains <paramref name="path"/> (the last of equals: it is on top).</summary>
    public static (string Point, bool Shared, bool Unbindable)? Find(string path, string mountinfo = "/proc/self/mountinfo")
    {
        (string Point, bool Shared, bool Unbindable)? best = null;
        string target = path.Length > 1 ? path.TrimEnd('/') : path;
        foreach (string line in File.ReadLines(mountinfo))
        {
            // "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 shared:2 - ext3 /dev/root rw": optional fields until "-".
            int dash = line.IndexOf(" - ", StringComparison.Ordinal);
            if (dash < 0) continue;
            string[] pre = line.Substring(0, dash).Split(' ');
            if (pre.Length < 5) continue;
            string point = NoPivotDetach.Unescape(pre[4]);
            bool contains = point == "/" || target == point || target.StartsWith(point + "/", StringComparison.Ordinal);
            if (!contains || (best is { } b && b.Point.Length > point.Length)) continue;
            bool shared = false, unbindable = false;
            for (int i = 6; i < pre.Length; i++)
            {
                if (pre[i].StartsWith("shared:", StringComparison.Ordinal)) shared = true;
                else if (pre[i] == "unbindable") unbindable = true;
            }
            best = (point, shared, unbindable);
        }
        return best;
    }
}
