using System;
using System.Buffers.Binary;
using System.Collections;

namespace OciRuntime.Native.Plan;

/// <summary>
/// Checks a built plan before it is spawned: every jump lands on a later step (or the end), every
/// slot is written on every path before a step reads it, every data argument lies inside the data
/// area. The sealed init verifies again (Native/init/verify.c), but there a failure can only be a
/// step number; here it names the step and what is wrong with it. Plans are built by C#, so any
/// failure is a runtime bug (<see cref="PlanBugException"/>), never the user's config.
/// </summary>
public static class PlanVerifier
{
    public static void Verify(ProcessPlan plan, byte[] built)
    {
        int n = plan.Steps.Count;
        var reached = new BitArray?[n + 1];
        reached[0] = new BitArray(plan.SlotCount);
        for (int i = 0; i < n; i++)
        {
            PlanStep s = plan.Steps[i];
            if (s.Op is < PlanOp.Syscall or > PlanOp.RecvFd) throw Bug(plan, i, $"has an unknown op {(uint)s.Op}");
            if (s.Args.Length > 6) throw Bug(plan, i, "has more than 6 arguments");
            if (s.ResultSlot >= plan.SlotCount) throw Bug(plan, i, $"stores into slot {s.ResultSlot}, beyond the plan's {plan.SlotCount} slots");
            if (s.TolerateErrno is < 0 or > 4095) throw Bug(plan, i, $"tolerates errno {s.TolerateErrno}, which is not an errno");
            int success = Target(plan, i, s.SuccessJump);
            if (s.TolerateErrno2 is < 0 or > 4095) throw Bug(plan, i, $"tolerates errno {s.TolerateErrno2}, which is not an errno");
            bool tolerates = s.TolerateErrno != 0 || s.TolerateErrno2 != 0;
            int tolerated = tolerates ? Target(plan, i, s.ToleratedJump) : -1;
            if (s.ToleratedJump is not null && !tolerates) throw Bug(plan, i, "jumps on a tolerated failure but tolerates no errno");

            BitArray? written = reached[i];
            if (written is null) continue;   // no path reaches it: nothing it reads can be unset
            foreach (PlanArg a in s.Args)
            {
                if (a.Kind is not (PlanArgKind.Slot or PlanArgKind.FdPath)) continue;
                if (a.Value < 0 || a.Value >= plan.SlotCount) throw Bug(plan, i, $"reads slot {a.Value}, beyond the plan's {plan.SlotCount} slots");
                if (!written[(int)a.Value]) throw Bug(plan, i, $"reads slot {a.Value}, which no earlier step wrote on every path to it");
            }
            var after = new BitArray(written);
            if (s.ResultSlot >= 0) after[s.ResultSlot] = true;
            Join(reached, success, after);
            if (tolerated >= 0) Join(reached, tolerated, written);
        }
        VerifyBytes(plan, built);
    }

    private static int Target(ProcessPlan plan, int i, PlanLabel? jump)
    {
        if (jump is not { } l) return i + 1;
        int t = plan.TargetOf(l);
        if (t < 0) throw Bug(plan, i, $"jumps to label {l.Id}, which is never marked");
        if (t <= i || t > plan.Steps.Count) throw Bug(plan, i, $"jumps to step {t}; jumps go forward to a later step or the end ({plan.Steps.Count})");
        return t;
    }

    /// <summary>A slot counts as written at a step only when every path reaching it wrote the slot.</summary>
    private static void Join(BitArray?[] reached, int at, BitArray written)
    {
        if (reached[at] is { } existing) existing.And(written);
        else reached[at] = new BitArray(written);
    }

    /// <summary>The serialized form: data offsets and lengths inside the data area, which ends with a NUL.</summary>
    private static void VerifyBytes(ProcessPlan plan, byte[] b)
    {
        if (b.Length < ProcessPlan.HeaderSize) throw new PlanBugException("internal error: the built plan is shorter than its header");
        uint steps = BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(8));
        uint stepsOffset = BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(16));
        uint dataOffset = BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(20));
        uint dataLength = BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(24));
        if (steps != plan.Steps.Count || (ulong)stepsOffset + steps * ProcessPlan.StepSize > dataOffset
            || dataLength == 0 || (ulong)dataOffset + dataLength > (ulong)b.Length || b[dataOffset + dataLength - 1] != 0)
            throw new PlanBugException($"internal error: the built plan's header is inconsistent ({steps} steps at {stepsOffset}, data {dataLength} bytes at {dataOffset}, {b.Length} bytes in all); this is a bug in oci-runtime, please report it");
        for (int i = 0; i < plan.Steps.Count; i++)
        {
            PlanStep s = plan.Steps[i];
            for (int a = 0; a < s.Args.Length; a++)
            {
                if (s.Args[a].Kind != PlanArgKind.Data) continue;
                long offset = BinaryPrimitives.ReadInt64LittleEndian(b.AsSpan((int)stepsOffset + i * ProcessPlan.StepSize + 32 + 8 * a));
                int length = s.Args[a].Bytes?.Length ?? 0;
                if (offset < 0 || offset + length > dataLength)
                    throw Bug(plan, i, $"argument {a} points at data offset {offset} + {length} bytes, outside the {dataLength}-byte data area");
            }
        }
    }

    private static PlanBugException Bug(ProcessPlan plan, int i, string problem) =>
        new($"internal error: plan step {i} ({plan.Steps[i].Description}) {problem}; this is a bug in oci-runtime, please report it with the config.json");
}

/// <summary>A plan that contradicts itself: a bug in the runtime, reported before anything is spawned.</summary>
public sealed class PlanBugException : Exception
{
    public PlanBugException(string message) : base(message) { }
}
