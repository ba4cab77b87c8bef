using OciRuntime.Spec.Config;

namespace OciRuntime.Spec.Validation;

/// <summary>config.md "Linux Process" scheduler (sched_setattr(2)); the same constraints runc enforces.</summary>
internal static class SchedulerRules
{
    public static void Check(SchedulerSpec s, string path, ErrorSink sink)
    {
        bool known = KnownValues.Contains(KnownValues.SchedulerPolicies, s.Policy);
        if (string.IsNullOrEmpty(s.Policy))
            sink.Add(JsonPathText.Prop(path, "policy"), $"required: missing ({KnownValues.OneOf(KnownValues.SchedulerPolicies)})");
        else if (!known)
            sink.Add(JsonPathText.Prop(path, "policy"), $"unknown scheduler policy {Text.Quote(s.Policy)} ({KnownValues.OneOf(KnownValues.SchedulerPolicies)})");

        if (s.Flags is not null)
            for (int i = 0; i < s.Flags.Count; i++)
                if (!KnownValues.Contains(KnownValues.SchedulerFlags, s.Flags[i]))
                    sink.Add(JsonPathText.Index(JsonPathText.Prop(path, "flags"), i), $"unknown scheduler flag {Text.Quote(s.Flags[i])} ({KnownValues.OneOf(KnownValues.SchedulerFlags)})");

        if (s.Nice is { } nice && (nice < -20 || nice > 19))
            sink.Add(JsonPathText.Prop(path, "nice"), $"invalid nice value {nice}: must be between -20 and 19");

        if (!known) return;
        bool realtime = s.Policy is "SCHED_FIFO" or "SCHED_RR";
        if (s.Priority is { } prio)
        {
            if (realtime && (prio < 1 || prio > 99))
                sink.Add(JsonPathText.Prop(path, "priority"), $"invalid priority {prio} for {s.Policy}: must be between 1 and 99");
            else if (!realtime && prio != 0)
                sink.Add(JsonPathText.Prop(path, "priority"), $"invalid priority {prio} for {s.Policy}: a static priority is only allowed for SCHED_FIFO and SCHED_RR");
        }
        if (s.Policy != "SCHED_DEADLINE")
        {
            if (s.Runtime is > 0 || s.Deadline is > 0 || s.Period is > 0)
                sink.Add(path, $"runtime, deadline and period are only allowed for SCHED_DEADLINE, not {s.Policy}");
        }
        else
        {
            // sched(7): SCHED_DEADLINE requires runtime <= deadline <= period (period 0 means "= deadline").
            ulong rt = s.Runtime ?? 0, dl = s.Deadline ?? 0, pe = s.Period ?? 0;
            if (rt > dl) sink.Add(JsonPathText.Prop(path, "runtime"), $"runtime {rt} is greater than deadline {dl} (SCHED_DEADLINE needs runtime <= deadline <= period)");
            if (pe != 0 && dl > pe) sink.Add(JsonPathText.Prop(path, "deadline"), $"deadline {dl} is greater than period {pe} (SCHED_DEADLINE needs runtime <= deadline <= period)");
        }
    }
}
