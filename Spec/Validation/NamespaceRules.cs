using System.Collections.Generic;
using OciRuntime.Spec.Config;

namespace OciRuntime.Spec.Validation;

/// <summary>
/// config-linux.md "Namespaces", "User namespace mappings", "Offset for Time Namespace", and
/// the namespace-dependent top-level fields (hostname, domainname).
/// </summary>
internal static class NamespaceRules
{
    // sethostname(2)/setdomainname(2): HOST_NAME_MAX.
    private const int MaxUtsName = 64;

    public static void Check(OciConfig c, NamespaceSet ns, ErrorSink sink)
    {
        var linux = c.Linux!;
        CheckList(linux.Namespaces, sink);
        CheckUtsNames(c, ns, sink);

        IdMappingRules.Check(linux.UidMappings, "linux.uidMappings", sink);
        IdMappingRules.Check(linux.GidMappings, "linux.gidMappings", sink);
        bool hasMappings = linux.UidMappings is not null || linux.GidMappings is not null;
        if (ns.Has("user"))
        {
            // A new user namespace without any mapping leaves every id unmapped (runc refuses it too).
            if (!ns.Joins("user") && !hasMappings)
                sink.Add("linux.uidMappings", "required when a new user namespace is created (no namespace path to join and no mappings given)");
        }
        else if (hasMappings)
        {
            sink.Add(linux.UidMappings is not null ? "linux.uidMappings" : "linux.gidMappings",
                "user namespace mappings are set but linux.namespaces has no \"user\" namespace");
        }

        if (linux.TimeOffsets is not null)
        {
            if (!ns.Has("time"))
                sink.Add("linux.timeOffsets", "time offsets are set but linux.namespaces has no \"time\" namespace");
            else if (ns.Joins("time"))
                // time_namespaces(7): offsets can only be written before a process enters the namespace.
                sink.Add("linux.timeOffsets", "time offsets cannot be applied to an existing time namespace (the \"time\" namespace has a path)");
            foreach (var (clock, off) in linux.TimeOffsets)
            {
                string p = JsonPathText.Key("linux.timeOffsets", clock);
                if (!KnownValues.Contains(KnownValues.TimeOffsetClocks, clock))
                    sink.Add(p, $"unknown clock {Text.Quote(clock)} ({KnownValues.OneOf(KnownValues.TimeOffsetClocks)})");
                if (off is null) sink.Add(p, "must be an object, got null");
                else if (off.Nanosecs is >= 1_000_000_000)
                    sink.Add(JsonPathText.Prop(p, "nanosecs"), $"invalid value {off.Nanosecs}: must be less than 1000000000");
            }
        }
    }

    private static void CheckList(List<LinuxNamespace>? list, ErrorSink sink)
    {
        if (list is null) return;
        var seen = new Dictionary<string, int>(System.StringComparer.Ordinal);
        for (int i = 0; i < list.Count; i++)
        {
            string p = JsonPathText.Index("linux.namespaces", i);
            var n = list[i];
            if (n is null) { sink.Add(p, "namespace entries must be objects, got null"); continue; }
            string typePath = JsonPathText.Prop(p, "type");
            if (string.IsNullOrEmpty(n.Type))
                sink.Add(typePath, $"required: missing namespace type ({KnownValues.OneOf(KnownValues.NamespaceTypes)})");
            else if (!KnownValues.Contains(KnownValues.NamespaceTypes, n.Type))
                sink.Add(typePath, $"unknown namespace type {Text.Quote(n.Type)} ({KnownValues.OneOf(KnownValues.NamespaceTypes)})");
            // Duplicated namespaces with the same type MUST generate an error.
            else if (seen.TryGetValue(n.Type, out var first))
                sink.Add(typePath, $"duplicate namespace type {Text.Quote(n.Type)}: already listed at linux.namespaces[{first}]");
            else seen[n.Type] = i;

            // path "MUST be an absolute path in the runtime mount namespace"; whether it really is
            // a namespace of that type is for the runtime to check on the host.
            if (n.Path is not null)
            {
                if (!Text.IsAbsolute(n.Path))
                    sink.Add(JsonPathText.Prop(p, "path"), $"invalid namespace path {Text.Quote(n.Path)}: must be an absolute path");
                else if (Text.HasNul(n.Path))
                    sink.Add(JsonPathText.Prop(p, "path"), $"invalid namespace path {Text.Quote(n.Path)}: contains a NUL byte");
            }
        }
    }

    /// <summary>
    /// hostname/domainname change the UTS namespace the container is in: without a "uts" entry
    /// that is the runtime's (the host's), which runc refuses and so do we.
    /// </summary>
    public static void CheckUtsNames(OciConfig c, NamespaceSet ns, ErrorSink sink)
    {
        CheckUtsName(c.Hostname, "hostname", ns, sink);
        CheckUtsName(c.Domainname, "domainname", ns, sink);
    }

    private static void CheckUtsName(string? name, string path, NamespaceSet ns, ErrorSink sink)
    {
        if (string.IsNullOrEmpty(name)) return;
        if (!ns.Has("uts"))
            sink.Add(path, $"cannot set {path} {Text.Quote(name)} without a private UTS namespace (add {{\"type\": \"uts\"}} to linux.namespaces)");
        if (name.Length > MaxUtsName)
            sink.Add(path, $"invalid {path} {Text.Quote(name)}: longer than {MaxUtsName} characters");
        else if (Text.HasNul(name))
            sink.Add(path, $"invalid {path} {Text.Quote(name)}: contains a NUL byte");
    }
}
