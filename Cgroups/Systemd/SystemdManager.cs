using System;
using System.IO;
using OciRuntime.Native.Interop;

namespace OciRuntime.Cgroups.Systemd;

/// <summary>
/// Which systemd manager the driver talks to. As root: the system manager (PID 1). In rootless
/// mode: the user's own manager (`systemd --user`, user@UID.service), as runc does, because only
/// it may create units in the subtree delegated to the user. runc reaches it over the session bus
/// (dbus-daemon or dbus-broker); we talk to its private socket $XDG_RUNTIME_DIR/systemd/private,
/// which every user manager listens on with or without a session bus (systemctl --user tries it
/// first too), with the same EXTERNAL authentication as the user. Rootless mode is resolved only
/// when the driver connects, so commands that never reach systemd pay nothing for it.
/// </summary>
public static class SystemdManager
{
    private static Func<bool>? s_rootless;

    /// <summary>Program: how to tell rootless mode (the global --rootless, resolved lazily).</summary>
    public static void Configure(Func<bool> rootless) => s_rootless = rootless;

    public static bool IsUser => s_rootless?.Invoke() == true;

    /// <summary>The user manager's private socket, or null without a usable XDG_RUNTIME_DIR.</summary>
    public static string? UserPrivateSocket()
    {
        string? xdg = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
        return string.IsNullOrEmpty(xdg) ? null : Path.Combine(xdg, "systemd", "private");
    }

    private static uint? s_peerUid;

    /// <summary>
    /// The uid a systemd manager sees us as, which AUTH EXTERNAL must name and whose
    /// user@UID.service is ours: our euid (what SO_PEERCRED reports) taken through
    /// /proc/self/uid_map to the parent user namespace. Run by rootless podman, the runtime is
    /// euid 0 of the user's namespace; named as 0, the user's manager (which sees the user's uid)
    /// refuses the connection. runc finds that uid by running `busctl --user status` for the
    /// session bus's OwnerUID; the map needs no other program and no session bus. Only one level:
    /// in a namespace nested in another child namespace this is the parent's uid, and the
    /// manager of the initial namespace would still refuse (it is not podman's layout).
    /// </summary>
    public static uint PeerUid => s_peerUid ??= ReadPeerUid();

    private static uint ReadPeerUid()
    {
        uint euid = Sys.GetEuid();
        string map;
        try { map = File.ReadAllText("/proc/self/uid_map"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return euid; } // no user namespaces: nothing to translate
        // Our own euid is always mapped, except after a setns that left it unmapped (it reads
        // as the overflow uid then): send it as it is and let the manager's refusal say so.
        return UidMap.ToParent(euid, map) ?? euid;
    }

    /// <summary>runc's default slice: system.slice for the system manager, user.slice for a user's.</summary>
    public static string DefaultSlice => IsUser ? "user.slice" : SystemdUnitName.DefaultSlice;
}
