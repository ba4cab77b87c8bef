using System.Collections.Generic;
using OciRuntime.Spec.Config;

namespace OciRuntime.Spec.Validation;

/// <summary>config.md "POSIX-platform Hooks".</summary>
internal static class HookRules
{
    public static void Check(HooksSpec? hooks, ErrorSink sink)
    {
        if (hooks is null) return;
        CheckList(hooks.Prestart, "hooks.prestart", sink);
        CheckList(hooks.CreateRuntime, "hooks.createRuntime", sink);
        CheckList(hooks.CreateContainer, "hooks.createContainer", sink);
        CheckList(hooks.StartContainer, "hooks.startContainer", sink);
        CheckList(hooks.Poststart, "hooks.poststart", sink);
        CheckList(hooks.Poststop, "hooks.poststop", sink);
    }

    private static void CheckList(List<HookSpec>? list, string path, ErrorSink sink)
    {
        if (list is null) return;
        for (int i = 0; i < list.Count; i++)
        {
            string p = JsonPathText.Index(path, i);
            var h = list[i];
            if (h is null) { sink.Add(p, "hook entries must be objects, got null"); continue; }
            // path is REQUIRED and "MUST be absolute".
            if (string.IsNullOrEmpty(h.Path)) sink.Add(JsonPathText.Prop(p, "path"), "required: the hook executable is missing (must be an absolute path)");
            else if (!Text.IsAbsolute(h.Path)) sink.Add(JsonPathText.Prop(p, "path"), $"invalid hook path {Text.Quote(h.Path)}: must be an absolute path");
            else if (Text.HasNul(h.Path)) sink.Add(JsonPathText.Prop(p, "path"), $"invalid hook path {Text.Quote(h.Path)}: contains a NUL byte");
            // "If set, timeout MUST be greater than zero."
            if (h.Timeout is { } t && t <= 0) sink.Add(JsonPathText.Prop(p, "timeout"), $"invalid timeout {t}: must be greater than zero (seconds)");
            if (h.Args is not null)
                for (int j = 0; j < h.Args.Count; j++)
                    if (h.Args[j] is null) sink.Add(JsonPathText.Index(JsonPathText.Prop(p, "args"), j), "arguments must be strings, got null");
            ProcessRules.CheckEnv(h.Env, JsonPathText.Prop(p, "env"), sink);
        }
    }
}
