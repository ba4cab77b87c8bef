using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using OciRuntime.Errors;
using OciRuntime.Native.Interop;
using OciRuntime.Native.Plan;
using OciRuntime.Spec.Config;

namespace OciRuntime.Process;

/// <summary>
/// config.md process.scheduler (sched_setattr), process.ioPriority (ioprio_set),
/// process.execCPUAffinity.final (sched_setaffinity; exec only: the spec excludes the init) and
/// config-linux.md linux.personality (personality). Values are checked by the validator.
/// </summary>
public static class SchedulingPlanner
{
    private static readonly Dictionary<string, uint> Policies = new()
    {
        ["SCHED_OTHER"] = 0, ["SCHED_FIFO"] = 1, ["SCHED_RR"] = 2, ["SCHED_BATCH"] = 3,
        ["SCHED_ISO"] = 4, ["SCHED_IDLE"] = 5, ["SCHED_DEADLINE"] = 6,
    };

    private static readonly Dictionary<string, ulong> Flags = new()
    {
        ["SCHED_FLAG_RESET_ON_FORK"] = 0x01, ["SCHED_FLAG_RECLAIM"] = 0x02, ["SCHED_FLAG_DL_OVERRUN"] = 0x04,
        ["SCHED_FLAG_KEEP_POLICY"] = 0x08, ["SCHED_FLAG_KEEP_PARAMS"] = 0x10,
        ["SCHED_FLAG_UTIL_CLAMP_MIN"] = 0x20, ["SCHED_FLAG_UTIL_CLAMP_MAX"] = 0x40,
    };

    private static readonly Dictionary<string, int> IoClasses = new()
    {
        ["IOPRIO_CLASS_RT"] = 1, ["IOPRIO_CLASS_BE"] = 2, ["IOPRIO_CLASS_IDLE"] = 3,
    };

    public static void EmitProcess(ProcessPlan plan, ProcessSpec p)
    {
        if (p.Scheduler is { } s)
        {
            if (!Policies.TryGetValue(s.Policy, out uint policy))
                throw new RuntimeException($"config.json: process.scheduler.policy: unknown policy \"{s.Policy}\"");
            ulong flags = 0;
            foreach (string f in s.Flags ?? new List<string>())
                flags |= Flags.TryGetValue(f, out ulong bit) ? bit : throw new RuntimeException($"config.json: process.scheduler.flags: unknown flag \"{f}\"");
            plan.Syscall(Nr.sched_setattr, $"set scheduler {s.Policy} (process.scheduler)", 0L,
                PlanArg.Data(SchedAttr(policy, flags, s.Nice ?? 0, (uint)(s.Priority ?? 0), s.Runtime ?? 0, s.Deadline ?? 0, s.Period ?? 0)), 0L)
                .WithHint("real-time policies and negative nice values need CAP_SYS_NICE");
        }
        if (p.IoPriority is { } io)
        {
            if (!IoClasses.TryGetValue(io.Class, out int cls))
                throw new RuntimeException($"config.json: process.ioPriority.class: unknown class \"{io.Class}\"");
            plan.Syscall(Nr.ioprio_set, $"set I/O priority {io.Class} {io.Priority} (process.ioPriority)", 1L /* IOPRIO_WHO_PROCESS */, 0L,
                (long)((cls << 13) | (io.Priority & 0x1fff)));
        }
    }

    public static void EmitPersonality(ProcessPlan plan, LinuxPersonality? personality)
    {
        if (personality is null) return;
        long persona = personality.Domain switch
        {
            "LINUX" => 0x0000,
            "LINUX32" => 0x0008,
            _ => throw new RuntimeException($"config.json: linux.personality.domain: unknown domain \"{personality.Domain}\""),
        };
        plan.Syscall(Nr.personality, $"set personality {personality.Domain} (linux.personality)", persona);
    }

    /// <summary>process.execCPUAffinity.final, applied after the process joined the container's cgroup.</summary>
    public static void EmitFinalAffinity(ProcessPlan plan, ProcessSpec p)
    {
        if (p.ExecCpuAffinity?.Final is not { Length: > 0 } list) return;
        byte[] mask = CpuMask(list);
        plan.Syscall(Nr.sched_setaffinity, $"set CPU affinity {list} (process.execCPUAffinity.final)", 0L, (long)mask.Length, PlanArg.Data(mask));
    }

    /// <summary>struct sched_attr, SCHED_ATTR_SIZE_VER0 (48 bytes).</summary>
    public static byte[] SchedAttr(uint policy, ulong flags, int nice, uint priority, ulong runtime, ulong deadline, ulong period)
    {
        var b = new byte[48];
        BinaryPrimitives.WriteUInt32LittleEndian(b, 48);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(4), policy);
        BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(8), flags);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(16), nice);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(20), priority);
        BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(24), runtime);
        BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(32), deadline);
        BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(40), period);
        return b;
    }

    /// <summary>"0-3,7" → a cpu_set_t bitmask (128 bytes, up to 1024 CPUs).</summary>
    public static byte[] CpuMask(string list)
    {
        var mask = new byte[128];
        foreach (string part in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string[] range = part.Split('-');
            int lo = int.Parse(range[0], CultureInfo.InvariantCulture);
            int hi = range.Length > 1 ? int.Parse(range[1], CultureInfo.InvariantCulture) : lo;
            if (lo < 0 || hi < lo || hi >= mask.Length * 8)
                throw new RuntimeException($"config.json: process.execCPUAffinity: invalid CPU range \"{part}\"");
            for (int cpu = lo; cpu <= hi; cpu++) mask[cpu / 8] |= (byte)(1 << (cpu % 8));
        }
        return mask;
    }
}
