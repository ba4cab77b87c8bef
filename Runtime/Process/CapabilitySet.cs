using System;
using System.Collections.Generic;

namespace OciRuntime.Process;

/// <summary>Linux capability names (include/uapi/linux/capability.h) and their bit numbers.</summary>
public static class CapabilitySet
{
    private static readonly string[] Names =
    {
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
        "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
        "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER",
        "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT",
        "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME",
        "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL",
        "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM",
        "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
    };

    public static IReadOnlyList<string> All => Names;

    public static int? Number(string name)
    {
        int i = Array.IndexOf(Names, name);
        return i >= 0 ? i : null;
    }

    /// <summary>The bit mask of the named capabilities; names the running kernel lacks are ignored, as runc does.</summary>
    public static ulong Mask(IEnumerable<string>? names, int lastCap)
    {
        ulong mask = 0;
        if (names is null) return 0;
        foreach (string n in names)
            if (Number(n) is int bit && bit <= lastCap) mask |= 1UL << bit;
        return mask;
    }

    /// <summary>/proc/sys/kernel/cap_last_cap: the highest capability this kernel knows.</summary>
    public static int KernelLastCap()
    {
        try
        {
            return int.Parse(System.IO.File.ReadAllText("/proc/sys/kernel/cap_last_cap").Trim(), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is System.IO.IOException or FormatException)
        {
            return Names.Length - 1;
        }
    }
}
