using OciRuntime.Spec.Config;

namespace OciRuntime.Spec.Validation;

/// <summary>
/// config-linux.md "Sysctl". Beyond well-formed keys this applies runc's static namespace rule:
/// a namespaced sysctl is only allowed when the container has that namespace, otherwise it
/// would change the host's value.
/// </summary>
internal static class SysctlRules
{
    public static void Check(OciConfig c, NamespaceSet ns, ErrorSink sink)
    {
        var sysctl = c.Linux!.Sysctl;
        if (sysctl is null) return;
        foreach (var (rawKey, value) in sysctl)
        {
            string p = JsonPathText.Key("linux.sysctl", rawKey);
            if (rawKey.Length == 0) { sink.Add("linux.sysctl", "sysctl names must not be empty"); continue; }
            if (value is null) sink.Add(p, "values must be strings, got null");
            // sysctl(8) accepts "/" as separator; the key becomes a path under /proc/sys, so
            // anything that could walk out of it is refused.
            string key = rawKey.Replace('/', '.');
            if (key.StartsWith('.') || key.EndsWith('.') || key.Contains("..") || Text.HasNul(key) || key.Contains(' '))
            {
                sink.Add(p, $"invalid sysctl name {Text.Quote(rawKey)}: expected a dotted name such as \"net.ipv4.ip_forward\"");
                continue;
            }
            string? needed = RequiredNamespace(key);
            if (needed is not null && !ns.Has(needed))
                sink.Add(p, $"sysctl {Text.Quote(rawKey)} is not allowed without a \"{needed}\" namespace (it would change the host's value)");
            if ((key == "kernel.hostname" && !string.IsNullOrEmpty(c.Hostname)) ||
                (key == "kernel.domainname" && !string.IsNullOrEmpty(c.Domainname)))
                sink.Add(p, $"sysctl {Text.Quote(rawKey)} conflicts with the top-level {(key == "kernel.hostname" ? "hostname" : "domainname")} field");
        }
    }

    /// <summary>The namespace that makes a sysctl per-container, or null for global ones.</summary>
    private static string? RequiredNamespace(string key)
    {
        if (key.StartsWith("net.", System.StringComparison.Ordinal)) return "network";
        if (key.StartsWith("fs.mqueue.", System.StringComparison.Ordinal)) return "ipc";
        switch (key)
        {
            case "kernel.msgmax": case "kernel.msgmnb": case "kernel.msgmni": case "kernel.sem":
            case "kernel.shmall": case "kernel.shmmax": case "kernel.shmmni": case "kernel.shm_rmid_forced":
                return "ipc";
            case "kernel.hostname": case "kernel.domainname":
                return "uts";
            default:
                return null;
        }
    }
}
