using System;
using System.IO;
using OciRuntime.Cli;
using OciRuntime.Native.Interop;

namespace OciRuntime.Rootless;

/// <summary>
/// runc's rootless detection: the runtime is rootless when its effective uid is not 0, or when it
/// runs inside a user namespace other than the host's (rootless podman calls the runtime as uid 0
/// of the user's namespace: root there, nobody on the host). `--rootless true|false` overrides it.
/// What rootless changes: the default state dir, and a cgroup the caller cannot create is
/// tolerated when no limit needs it.
/// </summary>
public static class RootlessMode
{
    /// <summary>`--rootless`: null or "auto" detects; "true"/"false" decide.</summary>
    public static bool Resolve(string? flag) => flag switch
    {
        null or "" or "auto" => Detect(),
        "true" => true,
        "false" => false,
        _ => throw new UsageException($"invalid --rootless value {flag}: use true, false or auto"),
    };

    public static bool Detect() => Sys.GetEuid() != 0 || InChildUserNamespace();

    /// <summary>
    /// The initial user namespace maps all of 0..2^32-2 onto itself: "0 0 4294967295". Anything
    /// else (a single line of another range, several lines) is a namespace someone created.
    /// </summary>
    public static bool InChildUserNamespace()
    {
        string text;
        try { text = File.ReadAllText("/proc/self/uid_map"); }
        catch (IOException) { return false; }      // no user namespaces in this kernel
        catch (UnauthorizedAccessException) { return false; }
        return !IsInitialUidMap(text);
    }

    public static bool IsInitialUidMap(string uidMap)
    {
        string[] lines = uidMap.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length != 1) return false;
        string[] f = lines[0].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return f.Length == 3 && f[0] == "0" && f[1] == "0" && f[2] == "4294967295";
    }

    /// <summary>
    /// runc's shouldHonorXDGRuntimeDir: $XDG_RUNTIME_DIR (non-empty) for a non-root euid, and for
    /// uid 0 of a user namespace unless $USER says root (sudo inside a container keeps /run).
    /// </summary>
    public static bool UseXdgRuntimeDir(string? xdg, uint euid, bool inChildUserNs, string? user) =>
        !string.IsNullOrEmpty(xdg) && (euid != 0 || (inChildUserNs && user != "root"));
}
