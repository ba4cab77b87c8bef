using System;
using System.IO;

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

    /// <summary>runc's default slice: system.slice for the system manager, user.slice for a user's.</summary>
    public static string DefaultSlice => IsUser ? "user.slice" : SystemdUnitName.DefaultSlice;
}
