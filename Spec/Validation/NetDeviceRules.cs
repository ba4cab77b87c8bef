using System.Collections.Generic;

namespace OciRuntime.Spec.Validation;

/// <summary>config-linux.md "Network Devices": host interfaces moved into the container.</summary>
internal static class NetDeviceRules
{
    // IFNAMSIZ (16) including the terminating NUL.
    private const int MaxIfName = 15;

    public static void Check(Dictionary<string, Config.LinuxNetDevice> devices, ErrorSink sink)
    {
        // No "network" namespace is not an error here: the container then shares the runtime's
        // namespace, where the devices already are (the spec's own good example does this).
        // Whether a move is possible at all is for the runtime to check on the host.
        var targets = new Dictionary<string, string>(System.StringComparer.Ordinal);
        foreach (var (hostName, dev) in devices)
        {
            string p = JsonPathText.Key("linux.netDevices", hostName);
            if (NameProblem(hostName, allowTemplate: false) is { } e1) sink.Add(p, e1);
            if (dev is null) { sink.Add(p, "must be an object, got null"); continue; }
            if (dev.Name is not null && NameProblem(dev.Name, allowTemplate: true) is { } e2)
                sink.Add(JsonPathText.Prop(p, "name"), e2);

            // Two devices with the same name in the container cannot both be moved (the runtime MUST
            // error); a "%d" template lets the kernel pick unique names, so it may repeat.
            string target = string.IsNullOrEmpty(dev.Name) ? hostName : dev.Name;
            if (target.Contains("%d")) continue;
            if (targets.TryGetValue(target, out var other))
                sink.Add(p, $"device would be named {Text.Quote(target)} in the container, like {Text.Quote(other)}");
            else targets[target] = hostName;
        }
    }

    /// <summary>The kernel's dev_valid_name(): 1..15 bytes, not "." or "..", no '/', ':' or whitespace.</summary>
    private static string? NameProblem(string name, bool allowTemplate)
    {
        if (name.Length == 0) return "invalid interface name \"\": must not be empty";
        if (System.Text.Encoding.UTF8.GetByteCount(name) > MaxIfName)
            return $"invalid interface name {Text.Quote(name)}: longer than {MaxIfName} bytes";
        if (name == "." || name == "..")
            return $"invalid interface name {Text.Quote(name)}";
        foreach (char ch in name)
            if (ch == '/' || ch == ':' || char.IsWhiteSpace(ch) || ch == '\0')
                return $"invalid interface name {Text.Quote(name)}: must not contain '/', ':' or whitespace";
        if (!allowTemplate && name.Contains('%'))
            return $"invalid interface name {Text.Quote(name)}: '%' is only allowed in the container-side name";
        return null;
    }
}
