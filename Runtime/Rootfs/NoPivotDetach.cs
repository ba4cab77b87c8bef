using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using OciRuntime.Native.Interop;
using OciRuntime.Native.Plan;

namespace OciRuntime.Rootfs;

/// <summary>
/// --no-pivot moves the rootfs onto "/" and chroots, so the host's mounts stay in the
/// container's mount namespace, only out of sight. The kernel lets a user namespace mount a new
/// procfs or sysfs when a full one (its root mounted, nothing locked over it) is already in the
/// mount namespace (mount_too_revealing): the host's /proc would be that one, so a container
/// could unshare a user namespace and mount a fresh, unmasked procfs. Like runc's msMoveRoot,
/// every full proc and sysfs mount outside the rootfs is detached before the move, or covered
/// with a tmpfs where the kernel refuses the detach (mounts locked by a user namespace).
/// </summary>
public static class NoPivotDetach
{
    /// <summary>Mount points of full proc/sysfs mounts outside <paramref name="rootfs"/>, in mountinfo order.</summary>
    public static List<string> Targets(string rootfs, string mountinfo = "/proc/self/mountinfo")
    {
        var result = new List<string>();
        string root = rootfs.TrimEnd('/');
        foreach (string line in File.ReadLines(mountinfo))
        {
            // "22 1 0:21 / /proc rw,nosuid shared:12 - proc proc rw"
            int dash = line.IndexOf(" - ", StringComparison.Ordinal);
            if (dash < 0) continue;
            string[] pre = line.Substring(0, dash).Split(' ');
            string[] post = line.Substring(dash + 3).Split(' ');
            if (pre.Length < 5 || post.Length < 1) continue;
            if (post[0] is not ("proc" or "sysfs")) continue;
            // A bind of a subdirectory does not let the kernel allow a new mount; only full ones do.
            if (pre[3] != "/") continue;
            string point = Unescape(pre[4]);
            if (point == root || point.StartsWith(root + "/", StringComparison.Ordinal)) continue;
            // Detaching a mount takes everything under it along.
            if (result.Exists(t => t != point && (t == "/" || point.StartsWith(t + "/", StringComparison.Ordinal)))) continue;
            result.Add(point);
        }
        return result;
    }

    /// <summary>Emits the detach (or cover) of every target; the caller moves the root right after.</summary>
    public static void Emit(ProcessPlan plan, string rootfs, string mountinfo)
    {
#if !OCI_WEAKEN_NO_PIVOT_DETACH
        foreach (string point in Targets(rootfs, mountinfo))
        {
            PlanLabel next = plan.NewLabel();
            // Slave first, so the detach cannot propagate back to the host (rootfsPropagation may
            // be "shared"). A mount point gone since mountinfo was read needs nothing more.
            plan.Syscall(Nr.mount, $"make the host's {point} slave before detaching it (--no-pivot)",
                PlanArg.Null, PlanArg.Str(point), PlanArg.Null, (long)(MountFlags.SLAVE | MountFlags.REC), PlanArg.Null)
                .Tolerate(Errno.ENOENT, next);
            // EINVAL: a mount locked by a user namespace cannot be detached; cover it instead, which
            // the kernel counts as hiding it as soon as the container nests a user namespace.
            plan.Syscall(Nr.umount2, $"detach the host's {point} (--no-pivot)", PlanArg.Str(point), (long)MountFlags.MNT_DETACH)
                .Tolerate(Errno.EINVAL).OnSuccessJumpTo(next);
            plan.Syscall(Nr.mount, $"cover the host's {point} with a tmpfs (--no-pivot)",
                PlanArg.Str("tmpfs"), PlanArg.Str(point), PlanArg.Str("tmpfs"), (long)(MountFlags.RDONLY | MountFlags.NOSUID | MountFlags.NODEV | MountFlags.NOEXEC), PlanArg.Str("mode=000"));
            plan.Mark(next);
        }
#endif
    }

    /// <summary>mountinfo escapes space, tab, newline and backslash as octal.</summary>
    internal static string Unescape(string s)
    {
        if (!s.Contains('\\')) return s;
        var sb = new StringBuilder(s.Length);
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] == '\\' && IsOctal(s, i + 1))
            {
                sb.Append((char)Convert.ToInt32(s.Substring(i + 1, 3), 8));
                i += 3;
            }
            else sb.Append(s[i]);
        }
        return sb.ToString();
    }

    private static bool IsOctal(string s, int at)
    {
        if (at + 3 > s.Length) return false;
        for (int i = at; i < at + 3; i++) if (s[i] < '0' || s[i] > '7') return false;
        return true;
    }
}
