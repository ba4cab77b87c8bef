using System.Collections.Generic;
using OciRuntime.Spec.Config;

namespace OciRuntime.Spec.Validation;

/// <summary>config.md "Process", "POSIX process", "Linux Process", "User".</summary>
internal static class ProcessRules
{
    public static void Check(ProcessSpec p, string path, ErrorSink sink)
    {
        // cwd is REQUIRED and MUST be an absolute path.
        string cwdPath = JsonPathText.Prop(path, "cwd");
        if (string.IsNullOrEmpty(p.Cwd)) sink.Add(cwdPath, "required: the working directory is missing (must be an absolute path)");
        else if (!Text.IsAbsolute(p.Cwd)) sink.Add(cwdPath, $"invalid working directory {Text.Quote(p.Cwd)}: must be an absolute path");
        else if (Text.HasNul(p.Cwd)) sink.Add(cwdPath, $"invalid working directory {Text.Quote(p.Cwd)}: contains a NUL byte");

        // args: at least one entry is REQUIRED on non-Windows platforms; args[0] is execvp's file.
        string argsPath = JsonPathText.Prop(path, "args");
        if (p.Args is null || p.Args.Count == 0) sink.Add(argsPath, "required: at least one argument (the program to run) is needed");
        else
        {
            for (int i = 0; i < p.Args.Count; i++)
            {
                var a = p.Args[i];
                if (a is null) sink.Add(JsonPathText.Index(argsPath, i), "arguments must be strings, got null");
                else if (Text.HasNul(a)) sink.Add(JsonPathText.Index(argsPath, i), $"invalid argument {Text.Quote(a)}: contains a NUL byte");
            }
            if (p.Args[0] is "") sink.Add(JsonPathText.Index(argsPath, 0), "invalid program \"\": the first argument must name the executable");
        }

        CheckEnv(p.Env, JsonPathText.Prop(path, "env"), sink);

        if (p.ConsoleSize is { } cs)
        {
            // height and width are REQUIRED inside consoleSize.
            if (cs.HeightJson is null) sink.Add(JsonPathText.Prop(path, "consoleSize.height"), "required: missing");
            if (cs.WidthJson is null) sink.Add(JsonPathText.Prop(path, "consoleSize.width"), "required: missing");
        }

        if (p.User is null) sink.Add(JsonPathText.Prop(path, "user"), "must be an object, got null");
        else
        {
            if (p.User.Umask is { } umask && umask > 0xFFF)
                sink.Add(JsonPathText.Prop(path, "user.umask"), $"invalid umask {umask} (0{System.Convert.ToString(umask, 8)}): must be at most 07777");
            CheckIds(p.User, JsonPathText.Prop(path, "user"), sink);
        }

        // config.md: a capability that "cannot be mapped to a relevant kernel interface, or cannot
        // be granted otherwise MUST be logged as a warning", and runtimes "SHOULD NOT fail":
        // IdentityPlanner drops unknown names with runc's warning. Only a non-string is an error.
        if (p.Capabilities is { } caps)
        {
            string capsPath = JsonPathText.Prop(path, "capabilities");
            CheckCapNames(caps.Bounding, JsonPathText.Prop(capsPath, "bounding"), sink);
            CheckCapNames(caps.Effective, JsonPathText.Prop(capsPath, "effective"), sink);
            CheckCapNames(caps.Inheritable, JsonPathText.Prop(capsPath, "inheritable"), sink);
            CheckCapNames(caps.Permitted, JsonPathText.Prop(capsPath, "permitted"), sink);
            CheckCapNames(caps.Ambient, JsonPathText.Prop(capsPath, "ambient"), sink);
        }

        CheckRlimits(p.Rlimits, JsonPathText.Prop(path, "rlimits"), sink);

        // oom_score_adj accepts [-1000, 1000] only (proc(5)); anything else fails the write.
        if (p.OomScoreAdj is { } oom && (oom < -1000 || oom > 1000))
            sink.Add(JsonPathText.Prop(path, "oomScoreAdj"), $"invalid value {oom}: must be between -1000 and 1000");

        if (p.Scheduler is not null) SchedulerRules.Check(p.Scheduler, JsonPathText.Prop(path, "scheduler"), sink);

        if (p.IoPriority is { } io)
        {
            string ioPath = JsonPathText.Prop(path, "ioPriority");
            if (!KnownValues.Contains(KnownValues.IoPriorityClasses, io.Class))
                sink.Add(JsonPathText.Prop(ioPath, "class"), $"unknown I/O priority class {Text.Quote(io.Class)} ({KnownValues.OneOf(KnownValues.IoPriorityClasses)})");
            // config.md: priority ranges from 0 (highest) to 7 (lowest); ioprio_set(2) rejects others.
            if (io.Priority < 0 || io.Priority > 7)
                sink.Add(JsonPathText.Prop(ioPath, "priority"), $"invalid I/O priority {io.Priority}: must be between 0 and 7");
        }

        if (p.ExecCpuAffinity is { } aff)
        {
            string affPath = JsonPathText.Prop(path, "execCPUAffinity");
            if (aff.Initial is not null && Text.CpuListProblem(aff.Initial) is { } e1) sink.Add(JsonPathText.Prop(affPath, "initial"), e1);
            if (aff.Final is not null && Text.CpuListProblem(aff.Final) is { } e2) sink.Add(JsonPathText.Prop(affPath, "final"), e2);
        }
    }

    /// <summary>
    /// The largest uid/gid a process may be given, as runc allows. 4294967295 is (uid_t)-1, which
    /// setresuid(2)/setresgid(2) read as "leave unchanged": the process would keep root. Anything
    /// above int.MaxValue is refused, not only that one value, because tools that store ids in a
    /// signed int see those as negative.
    /// </summary>
    public const uint MaxProcessId = int.MaxValue;

    private static void CheckIds(UserSpec u, string path, ErrorSink sink)
    {
#if !OCI_WEAKEN_ID_RANGE
        if (u.Uid > MaxProcessId) sink.Add(JsonPathText.Prop(path, "uid"), IdProblem("uid", u.Uid));
        if (u.Gid > MaxProcessId) sink.Add(JsonPathText.Prop(path, "gid"), IdProblem("gid", u.Gid));
        if (u.AdditionalGids is { } gids)
            for (int i = 0; i < gids.Count; i++)
                if (gids[i] > MaxProcessId)
                    sink.Add(JsonPathText.Index(JsonPathText.Prop(path, "additionalGids"), i), IdProblem("gid", gids[i]));
#endif
    }

    /// <summary>The words for an id out of range; also used for exec's --user and --additional-gids.</summary>
    public static string IdProblem(string kind, ulong id) =>
        $"invalid {kind} {id}: must be between 0 and {MaxProcessId}" + (id == uint.MaxValue ? $" ({id} is (uid_t)-1, which set*id(2) ignore)" : "");

    private static void CheckCapNames(List<string>? set, string path, ErrorSink sink)
    {
        if (set is null) return;
        for (int i = 0; i < set.Count; i++)
            if (set[i] is null) sink.Add(JsonPathText.Index(path, i), "must be a capability name (a string such as \"CAP_CHOWN\"), not null");
    }

    /// <summary>Environment lists (process.env, hooks[].env): environ(7) entries are KEY=VALUE.</summary>
    public static void CheckEnv(List<string>? env, string path, ErrorSink sink)
    {
        if (env is null) return;
        for (int i = 0; i < env.Count; i++)
            if (Text.EnvProblem(env[i]) is { } problem) sink.Add(JsonPathText.Index(path, i), problem);
    }


    private static void CheckRlimits(List<PosixRlimit>? rlimits, string path, ErrorSink sink)
    {
        if (rlimits is null) return;
        var seen = new Dictionary<string, int>(System.StringComparer.Ordinal);
        for (int i = 0; i < rlimits.Count; i++)
        {
            string p = JsonPathText.Index(path, i);
            var r = rlimits[i];
            if (r is null) { sink.Add(p, "rlimit entries must be objects, got null"); continue; }
            // The runtime MUST error for values which cannot be mapped to a kernel interface.
            if (!KnownValues.Contains(KnownValues.Rlimits, r.Type))
                sink.Add(JsonPathText.Prop(p, "type"), $"unknown rlimit type {Text.Quote(r.Type)} (expected one of the RLIMIT_* names of getrlimit(2), e.g. RLIMIT_NOFILE)");
            // Duplicated entries with the same type MUST generate an error.
            else if (seen.TryGetValue(r.Type, out var first))
                sink.Add(JsonPathText.Prop(p, "type"), $"duplicate rlimit {Text.Quote(r.Type)}: already set by rlimits[{first}]");
            else seen[r.Type] = i;

            if (r.SoftJson is null) sink.Add(JsonPathText.Prop(p, "soft"), "required: missing");
            if (r.HardJson is null) sink.Add(JsonPathText.Prop(p, "hard"), "required: missing");
            // setrlimit(2) fails with EINVAL when the soft limit exceeds the hard limit.
            if (r.SoftJson is { } soft && r.HardJson is { } hard && soft > hard)
                sink.Add(JsonPathText.Prop(p, "soft"), $"soft limit {soft} is greater than hard limit {hard}");
        }
    }
}
