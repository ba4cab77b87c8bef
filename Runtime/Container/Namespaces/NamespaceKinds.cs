using System.Collections.Generic;
using OciRuntime.Native.Interop;

namespace OciRuntime.Container;

/// <summary>config-linux.md "Namespaces": the type names, their clone flags and /proc/pid/ns names.</summary>
public static class NamespaceKinds
{
    public static readonly IReadOnlyDictionary<string, ulong> CloneFlag = new Dictionary<string, ulong>
    {
        ["pid"] = Clone.NEWPID,
        ["network"] = Clone.NEWNET,
        ["mount"] = Clone.NEWNS,
        ["ipc"] = Clone.NEWIPC,
        ["uts"] = Clone.NEWUTS,
        ["user"] = Clone.NEWUSER,
        ["cgroup"] = Clone.NEWCGROUP,
        ["time"] = Clone.NEWTIME,
    };

    public static readonly IReadOnlyDictionary<string, string> ProcName = new Dictionary<string, string>
    {
        ["pid"] = "pid",
        ["network"] = "net",
        ["mount"] = "mnt",
        ["ipc"] = "ipc",
        ["uts"] = "uts",
        ["user"] = "user",
        ["cgroup"] = "cgroup",
        ["time"] = "time",
    };

    /// <summary>setns order: user first (it grants the rights for the rest), mount last.</summary>
    public static readonly IReadOnlyList<string> JoinOrder = new[] { "user", "ipc", "uts", "network", "pid", "cgroup", "time", "mount" };
}
