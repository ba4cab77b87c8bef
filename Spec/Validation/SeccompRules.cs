using OciRuntime.Spec.Config;

namespace OciRuntime.Spec.Validation;

/// <summary>
/// config-linux.md "Seccomp", structure only: required members present and lists well formed.
/// Action, operator, architecture and flag names are validated by the seccomp compiler, which
/// knows what it can translate; repeating that here would let the two lists drift apart.
/// </summary>
internal static class SeccompRules
{
    public static void Check(LinuxSeccomp? s, ErrorSink sink)
    {
        if (s is null) return;
        const string path = "linux.seccomp";
        if (string.IsNullOrEmpty(s.DefaultAction))
            sink.Add(path + ".defaultAction", "required: missing (e.g. \"SCMP_ACT_ERRNO\")");
        // "listenerMetadata MUST NOT be set if listenerPath is not set."
        if (!string.IsNullOrEmpty(s.ListenerMetadata) && string.IsNullOrEmpty(s.ListenerPath))
            sink.Add(path + ".listenerMetadata", "must not be set without listenerPath");
        CheckNoNulls(s.Architectures, path + ".architectures", sink);
        CheckNoNulls(s.Flags, path + ".flags", sink);

        if (s.Syscalls is null) return;
        for (int i = 0; i < s.Syscalls.Count; i++)
        {
            string p = JsonPathText.Index(path + ".syscalls", i);
            var sc = s.Syscalls[i];
            if (sc is null) { sink.Add(p, "syscall rules must be objects, got null"); continue; }
            // "names MUST contain at least one entry."
            if (sc.Names is null || sc.Names.Count == 0)
                sink.Add(JsonPathText.Prop(p, "names"), "must contain at least one syscall name");
            else
                for (int j = 0; j < sc.Names.Count; j++)
                    if (string.IsNullOrEmpty(sc.Names[j]))
                        sink.Add(JsonPathText.Index(JsonPathText.Prop(p, "names"), j), $"invalid syscall name {Text.Quote(sc.Names[j])}: must not be empty");
            if (string.IsNullOrEmpty(sc.Action))
                sink.Add(JsonPathText.Prop(p, "action"), "required: missing (e.g. \"SCMP_ACT_ALLOW\")");
            if (sc.Args is not null)
                for (int j = 0; j < sc.Args.Count; j++)
                {
                    string ap = JsonPathText.Index(JsonPathText.Prop(p, "args"), j);
                    var a = sc.Args[j];
                    if (a is null) sink.Add(ap, "argument conditions must be objects, got null");
                    else if (string.IsNullOrEmpty(a.Op)) sink.Add(JsonPathText.Prop(ap, "op"), "required: missing (e.g. \"SCMP_CMP_EQ\")");
                }
        }
    }

    private static void CheckNoNulls(System.Collections.Generic.List<string>? list, string path, ErrorSink sink)
    {
        if (list is null) return;
        for (int i = 0; i < list.Count; i++)
            if (list[i] is null) sink.Add(JsonPathText.Index(path, i), "must be a string, got null");
    }
}
