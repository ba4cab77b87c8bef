using System.Collections.Generic;

namespace OciRuntime.Spec.Validation;

/// <summary>
/// The closed sets of names the spec (and the kernel) define. Public so that the runtime's
/// <c>features</c> command reports exactly what the validator accepts.
/// </summary>
public static class KnownValues
{
    /// <summary>The runtime-spec version this model implements (written by <c>spec</c> and <c>state</c>).</summary>
    public const string SpecVersion = "1.3.0";

    /// <summary>The oldest config.json version accepted (features.md ociVersionMin).</summary>
    public const string SpecVersionMin = "1.0.0";

    /// <summary>config-linux.md "Namespaces", sorted as runc's features prints them.</summary>
    public static readonly IReadOnlyList<string> NamespaceTypes =
        new[] { "cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts" };

    /// <summary>capabilities(7), in kernel bit order (index == capability number), up to CAP_CHECKPOINT_RESTORE (40).</summary>
    public static readonly IReadOnlyList<string> Capabilities = new[]
    {
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
        "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
        "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK",
        "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
        "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE",
        "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE",
        "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG",
        "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
        "CAP_CHECKPOINT_RESTORE",
    };

    /// <summary>getrlimit(2) resources, in kernel order (index == RLIMIT_* number on Linux).</summary>
    public static readonly IReadOnlyList<string> Rlimits = new[]
    {
        "RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_DATA", "RLIMIT_STACK", "RLIMIT_CORE", "RLIMIT_RSS",
        "RLIMIT_NPROC", "RLIMIT_NOFILE", "RLIMIT_MEMLOCK", "RLIMIT_AS", "RLIMIT_LOCKS",
        "RLIMIT_SIGPENDING", "RLIMIT_MSGQUEUE", "RLIMIT_NICE", "RLIMIT_RTPRIO", "RLIMIT_RTTIME",
    };

    /// <summary>config.md "POSIX-platform Hooks", in lifecycle order.</summary>
    public static readonly IReadOnlyList<string> HookNames = new[]
    {
        "prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop",
    };

    public static readonly IReadOnlyList<string> SchedulerPolicies = new[]
    {
        "SCHED_OTHER", "SCHED_FIFO", "SCHED_RR", "SCHED_BATCH", "SCHED_ISO", "SCHED_IDLE", "SCHED_DEADLINE",
    };

    public static readonly IReadOnlyList<string> SchedulerFlags = new[]
    {
        "SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_RECLAIM", "SCHED_FLAG_DL_OVERRUN", "SCHED_FLAG_KEEP_POLICY",
        "SCHED_FLAG_KEEP_PARAMS", "SCHED_FLAG_UTIL_CLAMP_MIN", "SCHED_FLAG_UTIL_CLAMP_MAX",
    };

    public static readonly IReadOnlyList<string> IoPriorityClasses = new[]
    {
        "IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE", "IOPRIO_CLASS_IDLE",
    };

    public static readonly IReadOnlyList<string> MemoryPolicyModes = new[]
    {
        "MPOL_DEFAULT", "MPOL_BIND", "MPOL_INTERLEAVE", "MPOL_WEIGHTED_INTERLEAVE", "MPOL_PREFERRED",
        "MPOL_PREFERRED_MANY", "MPOL_LOCAL",
    };

    public static readonly IReadOnlyList<string> MemoryPolicyFlags = new[]
    {
        "MPOL_F_NUMA_BALANCING", "MPOL_F_RELATIVE_NODES", "MPOL_F_STATIC_NODES",
    };

    /// <summary>
    /// config-linux.md "Rootfs Mount Propagation" lists the first four; the recursive spellings
    /// are accepted too because runc accepts them and clients (e.g. moby's "rslave") emit them.
    /// </summary>
    public static readonly IReadOnlyList<string> RootfsPropagations = new[]
    {
        "private", "shared", "slave", "unbindable", "rprivate", "rshared", "rslave", "runbindable",
    };

    public static readonly IReadOnlyList<string> PersonalityDomains = new[] { "LINUX", "LINUX32" };

    /// <summary>config-linux.md "Devices": character, block, unbuffered character, FIFO.</summary>
    public static readonly IReadOnlyList<string> DeviceTypes = new[] { "c", "b", "u", "p" };

    /// <summary>config-linux.md "Allowed Device list": all, character, block.</summary>
    public static readonly IReadOnlyList<string> CgroupDeviceTypes = new[] { "a", "c", "b" };

    /// <summary>The clocks a time namespace can offset (time_namespaces(7)).</summary>
    public static readonly IReadOnlyList<string> TimeOffsetClocks = new[] { "boottime", "monotonic" };

    internal static bool Contains(IReadOnlyList<string> set, string? value)
    {
        if (value is null) return false;
        for (int i = 0; i < set.Count; i++)
            if (string.Equals(set[i], value, System.StringComparison.Ordinal)) return true;
        return false;
    }

    internal static string OneOf(IReadOnlyList<string> set) => "expected one of " + string.Join(", ", set);
}
