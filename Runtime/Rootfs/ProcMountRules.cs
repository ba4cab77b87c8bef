using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using OciRuntime.Native.Interop;

namespace OciRuntime.Rootfs;

/// <summary>
/// runc's rules for mounts that touch /proc (its checkProcMount; CVE-2019-16884, CVE-2019-19921
/// and CVE-2023-27561 classes). A mount over /proc or a file inside it can hide the files the
/// runtime and the kernel rely on (attr/exec for the LSM label, sys/kernel/* for sysctls), so:
/// on /proc itself only procfs (a proc mount, or a bind whose source is procfs); inside /proc
/// only the files lxcfs-style tools replace with per-container views. maskedPaths and
/// readonlyPaths do not come through here (PathMaskPlanner), so they are exempt. The static
/// part is decided here, before the clone, on the destination both as written (cleaned) and as
/// it resolves inside the rootfs; that proc and sysfs land on an ordinary directory is checked
/// at run time by the plan (<see cref="SafePath.EnsureAndOpen"/> with no symlinks allowed),
/// because the rootfs can change between now and then.
/// </summary>
public static class ProcMountRules
{
    /// <summary>The /proc entries a bind or fuse overlay may cover (runc's list).</summary>
    public static readonly string[] Overlays =
    {
        "/proc/cpuinfo", "/proc/diskstats", "/proc/meminfo", "/proc/stat", "/proc/swaps", "/proc/uptime",
        "/proc/loadavg", "/proc/slabinfo", "/proc/net/dev", "/proc/sys/kernel/ns_last_pid", "/proc/sys/crypto/fips_enabled",
    };

    private const long ProcSuperMagic = 0x9fa0;
    private const long SysStatfs = 137;   // x86_64, like every number in Nr

    /// <summary>
    /// The refusal for a mount of <paramref name="type"/> (null for a bind) at <paramref name="dest"/>
    /// (a container path: cleaned, or resolved in the rootfs), or null when the mount is allowed.
    /// <paramref name="sourceIsProcfs"/> is asked only for a bind onto /proc itself.
    /// </summary>
    public static string? Problem(string dest, string? type, Func<bool> sourceIsProcfs)
    {
#if OCI_WEAKEN_PROC_MOUNT_RULES
        return null;
#else
        string d = Clean(dest);
        if (d != "/proc" && !d.StartsWith("/proc/", StringComparison.Ordinal)) return null;
        // runc leaves proc itself to the ordinary-directory rule, wherever it goes.
        if (type == "proc") return null;
        if (d == "/proc")
        {
            if (type is null && sourceIsProcfs()) return null;
            string what = type is null ? "a bind mount whose source is not procfs" : $"a {type} mount";
            return $"{what} cannot cover /proc: only a proc mount (or a bind of a procfs directory) may be mounted there";
        }
        if (Array.IndexOf(Overlays, d) >= 0) return null;
        return $"{d} is inside /proc: only {string.Join(", ", Overlays)} may be mounted over (lxcfs-style overlays)";
#endif
    }

    /// <summary>"/a/./b/../c" → "/a/c"; ".." stops at the root, as it does inside the container.</summary>
    public static string Clean(string containerPath)
    {
        var parts = new List<string>();
        foreach (string p in containerPath.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (p == ".") continue;
            if (p == "..") { if (parts.Count > 0) parts.RemoveAt(parts.Count - 1); continue; }
            parts.Add(p);
        }
        return "/" + string.Join('/', parts);
    }

    /// <summary>
    /// Where <paramref name="containerPath"/> leads inside <paramref name="rootfs"/> as it is now:
    /// symlinks followed as if the rootfs were "/" (absolute targets restart at the rootfs, ".."
    /// stops there), missing components kept as written. This is the path runc checks; the
    /// mount itself still goes through openat2(RESOLVE_IN_ROOT).
    /// </summary>
    public static string ResolveInRootfs(string rootfs, string containerPath)
    {
        var pending = new Stack<string>();
        PushReversed(pending, containerPath);
        var done = new List<string>();
        int links = 0;
        while (pending.Count > 0)
        {
            string name = pending.Pop();
            if (name == ".") continue;
            if (name == "..") { if (done.Count > 0) done.RemoveAt(done.Count - 1); continue; }
            string host = Path.Combine(rootfs, string.Join('/', done), name);
            string? target = null;
            try { target = new FileInfo(host).LinkTarget; }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
            // 40 is the kernel's MAXSYMLINKS; past it the lexical path is the best answer.
            if (target is null || ++links > 40) { done.Add(name); continue; }
            if (target.StartsWith('/')) done.Clear();
            PushReversed(pending, target);
        }
        return "/" + string.Join('/', done);
    }

    private static void PushReversed(Stack<string> stack, string path)
    {
        string[] parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (int i = parts.Length - 1; i >= 0; i--) stack.Push(parts[i]);
    }

    /// <summary>statfs(2) f_type of a host path is PROC_SUPER_MAGIC (runc's isProc).</summary>
    public static unsafe bool IsProcfs(string hostPath)
    {
        byte[] path = Encoding.UTF8.GetBytes(hostPath + "\0");
        long* buf = stackalloc long[16];   // struct statfs is 120 bytes; f_type comes first
        fixed (byte* p = path)
            return Sys.Syscall3(SysStatfs, (long)p, (long)buf, 0) == 0 && buf[0] == ProcSuperMagic;
    }
}
