using OciRuntime.Spec.Config;

namespace OciRuntime.Spec.Validation;

/// <summary>
/// config-linux.md "Sysctl". /proc/sys is only partly namespaced, so, like runc, a sysctl is
/// accepted only when the container has its own instance of it (the namespace it belongs to
/// is listed); anything else would change the host's value for everyone.
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
            if (key == "kernel.hostname")
            {
                sink.Add(p, $"sysctl {Text.Quote(rawKey)} conflicts with the top-level hostname field (set \"hostname\" instead)");
                continue;
            }
            string? needed = OwningNamespace(key);
            if (needed is null)
                sink.Add(p, $"sysctl {Text.Quote(rawKey)} is not namespaced: setting it would change the host's value");
            else if (!ns.Has(needed))
                sink.Add(p, $"sysctl {Text.Quote(rawKey)} is not allowed without a \"{needed}\" namespace (it would change the host's value)");
        }
    }

    /// <summary>The namespace that gives a container its own copy of a sysctl; null for global ones.</summary>
    private static string? OwningNamespace(string key)
    {
        if (key.StartsWith("net.", System.StringComparison.Ordinal)) return "network";
        if (key.StartsWith("fs.mqueue.", System.StringComparison.Ordinal)) return "ipc";
        switch (key)
        {
            case "kernel.msgmax": case "kernel.msgmnb": case "kernel.msgmni": case "kernel.sem":
            case "kernel.shmall": case "kernel.shmmax": case "kernel.shmmni": case "kernel.shm_rmid_forced":
                return "ipc";
            case "kernel.domainname":
                return "uts";
            default:
                return null;
        }
    }
}
