using System;
using System.Globalization;

namespace OciRuntime.Cgroups.Systemd;

/// <summary>
/// Reading /proc/self/uid_map: which uid of the parent user namespace one of ours is. A systemd
/// manager checks the uid a client names in AUTH EXTERNAL against the peer's credentials
/// (SO_PEERCRED), which the kernel gives it in the manager's own namespace; a runtime that is
/// uid 0 of rootless podman's namespace is, to the user's manager, the user (runc asks the session
/// bus for its OwnerUID instead: Cgroups/Systemd/SystemdManager.PeerUid says why we do not).
/// </summary>
public static class UidMap
{
    /// <summary>
    /// <paramref name="uid"/> (of the namespace whose uid_map <paramref name="uidMap"/> is) in the
    /// parent namespace, or null if no line maps it. Each line is "inside outside count"
    /// (user_namespaces(7)); the initial namespace's "0 0 4294967295" maps every uid to itself.
    /// Malformed lines are skipped: the kernel writes none, and a skipped line can only make the
    /// answer null, never a wrong uid.
    /// </summary>
    public static uint? ToParent(uint uid, string uidMap)
    {
        foreach (string line in uidMap.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] f = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (f.Length != 3
                || !uint.TryParse(f[0], NumberStyles.None, CultureInfo.InvariantCulture, out uint inside)
                || !uint.TryParse(f[1], NumberStyles.None, CultureInfo.InvariantCulture, out uint outside)
                || !uint.TryParse(f[2], NumberStyles.None, CultureInfo.InvariantCulture, out uint count))
                continue;
            // In 64 bits: inside + count may pass 2^32 - 1 (the initial map's count is 2^32 - 1).
            if (uid >= inside && (ulong)uid < (ulong)inside + count)
            {
                ulong parent = (ulong)outside + (uid - inside);
                return parent <= uint.MaxValue ? (uint)parent : null;
            }
        }
        return null;
    }
}
