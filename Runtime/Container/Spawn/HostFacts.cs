using System;
using System.IO;
using OciRuntime.Native.Interop;
using OciRuntime.Process;

namespace OciRuntime.Container;

/// <summary>
/// What the planners need to know about the host, read once at the edge (<see cref="Probe"/>)
/// and passed in, so a planner is a function of (config, host facts) that unit tests can run
/// with made-up hosts. Nothing about the container's rootfs is here: paths inside it are
/// resolved by the plan at run time (openat2 RESOLVE_IN_ROOT), never decided in advance.
/// </summary>
public sealed record HostFacts
{
    /// <summary>The runtime's uid (an unprivileged runtime may not setgroups in its new user namespace).</summary>
    public required uint Uid { get; init; }
    /// <summary>The runtime itself runs in a user namespace other than the host's (rootless podman): mknod fails there.</summary>
    public required bool InUserNamespace { get; init; }
    /// <summary>/proc/sys/kernel/cap_last_cap.</summary>
    public required int CapLastCap { get; init; }
    public required bool AppArmor { get; init; }
    public required bool Selinux { get; init; }
    /// <summary>/proc/kcore exists (the /dev/core symlink points there).</summary>
    public required bool HasKcore { get; init; }
    /// <summary>A resctrl filesystem is mounted (linux.intelRdt); asked only when the config has one.</summary>
    public required Func<bool> ResctrlMounted { get; init; }
    /// <summary>The runtime's own hard limit of an rlimit, or null when unknown or when it may raise it (CAP_SYS_RESOURCE).</summary>
    public required Func<string, ulong?> OwnHardLimit { get; init; }
    /// <summary>A host-side path (bind source): true a directory, false another file, null missing.</summary>
    public required Func<string, bool?> IsDirectory { get; init; }
    /// <summary>A host-side path (bind source) is on a procfs (runc's isProc, for binds onto /proc).</summary>
    public required Func<string, bool> IsProcfs { get; init; }
    /// <summary>The runtime's mountinfo (the rootfs's parent mount, --no-pivot's proc/sysfs detach list).</summary>
    public required string MountinfoPath { get; init; }
    /// <summary>
    /// The runtime has CAP_SYS_PTRACE, so it may pidfd_getfd from its non-dumpable children whose
    /// image belongs to its own user namespace; asked only for a seccomp listener.
    /// </summary>
    public Func<bool> MayPtraceOwnProcesses { get; init; } = () => true;
    /// <summary>
    /// The runtime's own user namespace allows setgroups (/proc/self/setgroups is not "deny", as
    /// after `unshare --map-root-user`); a user namespace created below inherits a deny.
    /// </summary>
    public Func<bool> OwnSetgroupsAllowed { get; init; } = () => true;

    private static HostFacts? _probed;

    /// <summary>This host, probed once per runtime process.</summary>
    public static HostFacts Probe() => _probed ??= new HostFacts
    {
        Uid = Sys.GetUid(),
        InUserNamespace = Rootless.RootlessMode.InChildUserNamespace(),
        CapLastCap = CapabilitySet.KernelLastCap(),
        AppArmor = SecurityModules.AppArmorEnabled,
        Selinux = SecurityModules.SelinuxEnabled,
        HasKcore = File.Exists("/proc/kcore"),
        ResctrlMounted = SecurityModules.ResctrlMounted,
        OwnHardLimit = IdentityPlanner.OwnHardLimitUnlessRaisable,
        IsDirectory = path => Directory.Exists(path) ? true : File.Exists(path) ? false : null,
        IsProcfs = Rootfs.ProcMountRules.IsProcfs,
        MountinfoPath = "/proc/self/mountinfo",
        MayPtraceOwnProcesses = () => IdentityPlanner.HasOwnCap(19 /* CAP_SYS_PTRACE */),
        OwnSetgroupsAllowed = () => IdMapWriter.SetgroupsAllowedIn("self"),
    };
}
