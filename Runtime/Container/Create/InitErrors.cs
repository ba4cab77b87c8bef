using OciRuntime.Native.Interop;
using OciRuntime.Native.Plan;
using OciRuntime.Spec.Config;

namespace OciRuntime.Container;

/// <summary>
/// Turns a failing step reported by the child into the one-line error: what the step did (with
/// its JSON path), the errno text, and the hint. Lookup failures use runc's exact words, which
/// podman maps to exit codes 127/126 (clients.md).
/// </summary>
public static class InitErrors
{
    public static string Describe(ProcessPlan plan, ProcessSpec? process, int step, int errno)
    {
        switch (step)
        {
            case PlanPreStep.ExecInit:
                return $"exec the sealed init (memfd): {Sys.ErrnoText(errno)} (the kernel must allow executing memfds: vm.memfd_noexec must be 0 or 1)";
            case PlanPreStep.Verify:
                return "internal error: the process plan failed verification; please report this bug with --debug output";
            case < 0:
            case var _ when step >= plan.Steps.Count:
                return $"container init failed: {Sys.ErrnoText(errno)}";
        }
        PlanStep s = plan.Steps[step];
        if (s.Op is PlanOp.Lookup or PlanOp.Exec && process?.Args is { Count: > 0 } args)
            return ExecError(args[0], errno);
        string text = $"{s.Description}: {Sys.ErrnoText(errno)}";
        return s.Hint is null ? text : $"{text} ({s.Hint})";
    }

    public static string ExecError(string arg0, int errno)
    {
        if (errno == Errno.ENOENT)
            return arg0.Contains('/')
                ? $"exec: \"{arg0}\": stat {arg0}: no such file or directory"
                : $"exec: \"{arg0}\": executable file not found in $PATH";
        return $"exec: \"{arg0}\": {Sys.ErrnoText(errno)}";
    }
}
