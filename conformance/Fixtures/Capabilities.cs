using System.Globalization;

namespace OciRuntime.Conformance;

/// <summary>Linux capability names (as in config.json) to bit numbers, and the hex masks of /proc/self/status.</summary>
public static class Capabilities
{
    static readonly string[] s_names =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
        "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
        "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE",
        "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT",
        "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
        "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN",
        "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
        "CAP_CHECKPOINT_RESTORE",
    ];

    public static int Number(string name)
    {
        int i = Array.IndexOf(s_names, name);
        if (i < 0) throw new ArgumentException($"unknown capability {name}");
        return i;
    }

    public static ulong Mask(IEnumerable<string> names) => names.Aggregate(0UL, (m, n) => m | (1UL << Number(n)));

    /// <summary>"0000000000000421" as printed in /proc/self/status.</summary>
    public static string Hex(IEnumerable<string> names) => Mask(names).ToString("x16", CultureInfo.InvariantCulture);

    /// <summary>Parses "CapEff:\t..." style lines of /proc/&lt;pid&gt;/status output into name → value.</summary>
    public static Dictionary<string, string> StatusFields(string statusText) =>
        statusText.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(':', 2))
            .Where(p => p.Length == 2)
            .GroupBy(p => p[0].Trim())
            .ToDictionary(g => g.Key, g => g.First()[1].Trim());
}
