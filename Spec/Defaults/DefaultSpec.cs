using System.Collections.Generic;
using System;
using System.Globalization;
using System.IO;
using OciRuntime.Spec.Config;
using OciRuntime.Spec.Validation;

namespace OciRuntime.Spec.Defaults;

/// <summary>
/// The starter config written by <c>spec</c>: the same content as <c>runc spec</c> (and
/// <c>runc spec --rootless</c>), with hostname "oci-runtime". Like current runc it grants no
/// inheritable/ambient capabilities (CVE-2022-29162).
/// </summary>
public static class DefaultSpec
{
    public const string Hostname = "oci-runtime";

    private static readonly string[] DefaultCaps = { "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE" };

    /// <summary>
    /// The default config; rootless maps the calling user's effective uid/gid to root in a new
    /// user namespace.
    /// </summary>
    public static OciConfig Create(bool rootless) =>
        rootless ? Create(true, EffectiveId("Uid:"), EffectiveId("Gid:")) : Create(false, 0, 0);

    /// <summary>
    /// As <see cref="Create(bool)"/> with explicit host ids for the rootless mappings.
    /// <paramref name="cgroupNamespace"/>: runc adds a cgroup namespace on cgroup v2 hosts only;
    /// the caller knows the host, this library does not look.
    /// </summary>
    public static OciConfig Create(bool rootless, uint hostUid, uint hostGid, bool cgroupNamespace = true)
    {
        var config = new OciConfig
        {
            OciVersion = KnownValues.SpecVersion,
            Root = new RootSpec { Path = "rootfs", Readonly = true },
            Process = new ProcessSpec
            {
                Terminal = true,
                User = new UserSpec { Uid = 0, Gid = 0 },
                Args = new List<string> { "sh" },
                Env = new List<string>
                {
                    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                    "TERM=xterm",
                },
                Cwd = "/",
                Capabilities = new LinuxCapabilities
                {
                    Bounding = new List<string>(DefaultCaps),
                    Effective = new List<string>(DefaultCaps),
                    Permitted = new List<string>(DefaultCaps),
                },
                Rlimits = new List<PosixRlimit> { new() { Type = "RLIMIT_NOFILE", Hard = 1024, Soft = 1024 } },
                NoNewPrivileges = true,
            },
            Hostname = Hostname,
            Mounts = DefaultMounts(rootless),
            Linux = new LinuxSpec
            {
                MaskedPaths = new List<string>
                {
                    "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
                    "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware",
                    "/proc/scsi", "/sys/devices/virtual/tpm",
                },
                ReadonlyPaths = new List<string>
                {
                    "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
                },
                Namespaces = DefaultNamespaces(rootless, cgroupNamespace),
            },
        };

        if (rootless)
        {
            // A rootless runtime can only map its own ids, and cannot manage device cgroups.
            config.Linux.UidMappings = new List<LinuxIdMapping> { new() { ContainerId = 0, HostId = hostUid, Size = 1 } };
            config.Linux.GidMappings = new List<LinuxIdMapping> { new() { ContainerId = 0, HostId = hostGid, Size = 1 } };
        }
        else
        {
            config.Linux.Resources = new LinuxResources
            {
                Devices = new List<LinuxDeviceCgroup> { new() { Allow = false, Access = "rwm" } },
            };
        }
        return config;
    }

    private static List<LinuxNamespace> DefaultNamespaces(bool rootless, bool cgroupNamespace)
    {
        var list = new List<LinuxNamespace> { new() { Type = "pid" } };
        // Rootless: no new network namespace (it would have no connectivity), but a user namespace.
        if (!rootless) list.Add(new() { Type = "network" });
        list.Add(new() { Type = "ipc" });
        list.Add(new() { Type = "uts" });
        list.Add(new() { Type = "mount" });
        if (cgroupNamespace) list.Add(new() { Type = "cgroup" });
        if (rootless) list.Add(new() { Type = "user" });
        return list;
    }

    private static List<MountSpec> DefaultMounts(bool rootless)
    {
        var mounts = new List<MountSpec>
        {
            new() { Destination = "/proc", Type = "proc", Source = "proc" },
            new() { Destination = "/dev", Type = "tmpfs", Source = "tmpfs", Options = new() { "nosuid", "strictatime", "mode=755", "size=65536k" } },
            // gid=5 (tty) cannot be used without a mapping for it, so rootless drops it.
            new() { Destination = "/dev/pts", Type = "devpts", Source = "devpts",
                    Options = rootless
                        ? new() { "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620" }
                        : new() { "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5" } },
            new() { Destination = "/dev/shm", Type = "tmpfs", Source = "shm", Options = new() { "nosuid", "noexec", "nodev", "mode=1777", "size=65536k" } },
            new() { Destination = "/dev/mqueue", Type = "mqueue", Source = "mqueue", Options = new() { "nosuid", "noexec", "nodev" } },
            // sysfs cannot be mounted fresh without owning the network namespace: rootless binds the host's.
            rootless
                ? new() { Destination = "/sys", Type = "none", Source = "/sys", Options = new() { "rbind", "nosuid", "noexec", "nodev", "ro" } }
                : new() { Destination = "/sys", Type = "sysfs", Source = "sysfs", Options = new() { "nosuid", "noexec", "nodev", "ro" } },
            new() { Destination = "/sys/fs/cgroup", Type = "cgroup", Source = "cgroup", Options = new() { "nosuid", "noexec", "nodev", "relatime", "ro" } },
        };
        return mounts;
    }

    /// <summary>
    /// The effective uid/gid from /proc/self/status ("Uid:\treal\teffective\tsaved\tfs"): plain
    /// file reading keeps this library free of native interop.
    /// </summary>
    private static uint EffectiveId(string field)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (!line.StartsWith(field, StringComparison.Ordinal)) continue;
            var parts = line.Substring(field.Length).Split('\t', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length > 1 && uint.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var id)) return id;
        }
        throw new InvalidOperationException("cannot determine the effective " + field.TrimEnd(':').ToLowerInvariant() + " from /proc/self/status");
    }
}
