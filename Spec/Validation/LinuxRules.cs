using System.Collections.Generic;
using OciRuntime.Spec.Config;

namespace OciRuntime.Spec.Validation;

/// <summary>
/// The remaining config-linux.md sections: cgroupsPath, sysctl, rootfsPropagation,
/// maskedPaths, readonlyPaths, personality, memoryPolicy, intelRdt, netDevices.
/// </summary>
internal static class LinuxRules
{
    public static void Check(OciConfig c, NamespaceSet ns, ErrorSink sink)
    {
        var l = c.Linux!;
        CheckCgroupsPath(l.CgroupsPath, sink);
        SysctlRules.Check(c, ns, sink);

        if (l.RootfsPropagation is not null && !KnownValues.Contains(KnownValues.RootfsPropagations, l.RootfsPropagation))
            sink.Add("linux.rootfsPropagation", $"invalid propagation {Text.Quote(l.RootfsPropagation)} ({KnownValues.OneOf(KnownValues.RootfsPropagations)})");

        // "The values MUST be absolute paths in the container namespace."
        CheckAbsoluteList(l.MaskedPaths, "linux.maskedPaths", sink);
        CheckAbsoluteList(l.ReadonlyPaths, "linux.readonlyPaths", sink);
        // Masking or remounting read-only in the runtime's mount namespace would do it to the
        // host itself (runc refuses the same).
        if (!ns.Has("mount"))
        {
            if (l.MaskedPaths is { Count: > 0 })
                sink.Add("linux.maskedPaths", "masked paths need a \"mount\" namespace (they would be masked on the host)");
            if (l.ReadonlyPaths is { Count: > 0 })
                sink.Add("linux.readonlyPaths", "read-only paths need a \"mount\" namespace (they would be made read-only on the host)");
        }

        if (l.Personality is { } pers)
        {
            if (!KnownValues.Contains(KnownValues.PersonalityDomains, pers.Domain))
                sink.Add("linux.personality.domain", $"unknown execution domain {Text.Quote(pers.Domain)} ({KnownValues.OneOf(KnownValues.PersonalityDomains)})");
            // "Currently no flag values are supported": any flag is an unsupported value.
            if (pers.Flags is { Count: > 0 })
                sink.Add("linux.personality.flags[0]", $"unsupported personality flag {Text.Quote(pers.Flags[0])}: no flags are currently supported");
        }

        if (l.MemoryPolicy is not null) CheckMemoryPolicy(l.MemoryPolicy, sink);
        if (l.IntelRdt is not null) CheckIntelRdt(l.IntelRdt, sink);
        if (l.NetDevices is not null) NetDeviceRules.Check(l.NetDevices, sink);
    }

    private static void CheckAbsoluteList(List<string>? list, string path, ErrorSink sink)
    {
        if (list is null) return;
        for (int i = 0; i < list.Count; i++)
            if (!Text.IsAbsolute(list[i]))
                sink.Add(JsonPathText.Index(path, i), $"invalid path {Text.Quote(list[i])}: must be an absolute path");
    }

    /// <summary>
    /// config-linux.md "Cgroups Path": runtimes MAY consider values invalid and MUST then error.
    /// We refuse NUL and ".." components: the path is joined under the cgroup mount point and
    /// ".." would let a config place the container outside the runtime's hierarchy.
    /// </summary>
    private static void CheckCgroupsPath(string? path, ErrorSink sink)
    {
        if (path is null) return;
        if (Text.HasNul(path)) { sink.Add("linux.cgroupsPath", $"invalid cgroups path {Text.Quote(path)}: contains a NUL byte"); return; }
        // systemd form "slice:prefix:name" is a runtime flag matter; its parts can't hold ".." either.
        foreach (var part in path.Split('/', ':'))
            if (part == "..")
            {
                sink.Add("linux.cgroupsPath", $"invalid cgroups path {Text.Quote(path)}: \"..\" components are not allowed");
                return;
            }
    }

    private static void CheckMemoryPolicy(LinuxMemoryPolicy mp, ErrorSink sink)
    {
        const string path = "linux.memoryPolicy";
        bool known = KnownValues.Contains(KnownValues.MemoryPolicyModes, mp.Mode);
        if (string.IsNullOrEmpty(mp.Mode))
            sink.Add(path + ".mode", $"required: missing ({KnownValues.OneOf(KnownValues.MemoryPolicyModes)})");
        else if (!known)
            sink.Add(path + ".mode", $"unknown memory policy mode {Text.Quote(mp.Mode)} ({KnownValues.OneOf(KnownValues.MemoryPolicyModes)})");

        bool relative = false, isStatic = false;
        if (mp.Flags is not null)
            for (int i = 0; i < mp.Flags.Count; i++)
            {
                var f = mp.Flags[i];
                if (!KnownValues.Contains(KnownValues.MemoryPolicyFlags, f))
                    sink.Add(JsonPathText.Index(path + ".flags", i), $"unknown memory policy flag {Text.Quote(f)} ({KnownValues.OneOf(KnownValues.MemoryPolicyFlags)})");
                relative |= f == "MPOL_F_RELATIVE_NODES";
                isStatic |= f == "MPOL_F_STATIC_NODES";
            }
        // set_mempolicy(2): the two node-interpretation flags are mutually exclusive (EINVAL).
        if (relative && isStatic)
            sink.Add(path + ".flags", "MPOL_F_RELATIVE_NODES and MPOL_F_STATIC_NODES cannot be combined");

        bool hasNodes = !string.IsNullOrEmpty(mp.Nodes);
        if (mp.Nodes is not null && Text.CpuListProblem(mp.Nodes) is { } e) sink.Add(path + ".nodes", e);
        if (!known) return;
        // config-linux.md / set_mempolicy(2): DEFAULT and LOCAL take no nodes; BIND, INTERLEAVE,
        // WEIGHTED_INTERLEAVE and PREFERRED_MANY need at least one.
        if (hasNodes && mp.Mode is "MPOL_DEFAULT" or "MPOL_LOCAL")
            sink.Add(path + ".nodes", $"{mp.Mode} takes no nodes, got {Text.Quote(mp.Nodes)}");
        if (!hasNodes && mp.Mode is "MPOL_BIND" or "MPOL_INTERLEAVE" or "MPOL_WEIGHTED_INTERLEAVE" or "MPOL_PREFERRED_MANY")
            sink.Add(path + ".nodes", $"{mp.Mode} needs at least one node (e.g. \"0-1\")");
    }

    private static void CheckIntelRdt(LinuxIntelRdt rdt, ErrorSink sink)
    {
        const string path = "linux.intelRdt";
        // closID names a directory under the resctrl mount; "/" alone means the default CLOS.
        if (rdt.ClosId is { } clos && clos != "/" &&
            (clos.Length == 0 || clos == "." || clos == ".." || clos.Contains('/') || clos.Contains('\n') || Text.HasNul(clos)))
            sink.Add(path + ".closID", $"invalid closID {Text.Quote(clos)}: must be a plain directory name (or \"/\" for the default class)");
        // memBwSchema "MUST start with MB: and MUST NOT contain newlines".
        if (rdt.MemBwSchema is { } mb && (!mb.StartsWith("MB:", System.StringComparison.Ordinal) || mb.Contains('\n')))
            sink.Add(path + ".memBwSchema", $"invalid schema {Text.Quote(mb)}: must start with \"MB:\" and be a single line");
        // l3CacheSchema: "SHOULD start with L3:" and "SHOULD NOT contain newlines" - only the newline
        // would corrupt the schemata file, so that is the one enforced.
        if (rdt.L3CacheSchema is { } l3 && l3.Contains('\n'))
            sink.Add(path + ".l3CacheSchema", $"invalid schema {Text.Quote(l3)}: must be a single line");
        // schemata entries "MUST NOT contain newlines".
        if (rdt.Schemata is not null)
            for (int i = 0; i < rdt.Schemata.Count; i++)
                if (rdt.Schemata[i] is null || rdt.Schemata[i].Contains('\n'))
                    sink.Add(JsonPathText.Index(path + ".schemata", i), $"invalid schemata line {Text.Quote(rdt.Schemata[i])}: must be a single line");
    }
}
