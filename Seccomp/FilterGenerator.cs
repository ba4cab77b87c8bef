using System.Collections.Generic;

namespace OciRuntime.Seccomp;

/// <summary>
/// Generates the cBPF program:
/// <code>
///   ld arch; jeq AUDIT_ARCH_a → group a; ...; → ret KILL (bad arch, libseccomp's default)
///   group: ld nr; balanced jge tree over intervals of syscall numbers → outcome
///   outcomes: shared "ret action" per distinct action, and one argument-check block per
///   syscall that has conditional rules.
/// </code>
/// Syscall numbers are split into maximal intervals with one outcome each (e.g. a run of
/// consecutive ALLOWed syscalls is one interval), so the tree has few nodes and a syscall
/// costs ~log2(intervals) jumps. The x32 split (bit 30 of nr), the ENOSYS rule (numbers above
/// the profile's highest) and bad-arch for the other half of AUDIT_ARCH_X86_64 are intervals too.
/// </summary>
internal static class FilterGenerator
{
    private const ulong NrSpace = 1UL << 32;

    /// <summary>What happens to an interval: return a fixed action, or run the rules of syscall Nr.</summary>
    private readonly record struct Outcome(bool IsRules, uint Value);

    public static SockFilter[] Generate(Profile profile)
    {
        var b = new BpfBuilder();
        int badArch = b.NewLabel();

        // Group ABIs by audit arch (x86_64 and x32 share one), keeping the native one first so
        // the native arch check is the first jump.
        var groups = new List<List<SeccompArch>>();
        foreach (SeccompArch abi in profile.Abis)
        {
            List<SeccompArch>? g = groups.Find(x => x[0].AuditArch == abi.AuditArch);
            if (g is null) groups.Add(new List<SeccompArch> { abi });
            else g.Add(abi);
        }

        b.Load(Bpf.OffsetArch);
        var groupLabels = new int[groups.Count];
        for (int i = 0; i < groups.Count; i++)
        {
            groupLabels[i] = b.NewLabel();
            int next = b.NewLabel();
            b.Jump(Bpf.JeqK, groups[i][0].AuditArch, groupLabels[i], i == groups.Count - 1 ? badArch : next);
            if (i != groups.Count - 1) b.Mark(next);
        }
        for (int i = 0; i < groups.Count; i++)
        {
            b.Mark(groupLabels[i]);
            EmitGroup(b, profile, groups[i]);
        }
        b.Mark(badArch);
        b.Ret(Bpf.RetKillThread);
        return b.Assemble();
    }

    private static void EmitGroup(BpfBuilder b, Profile profile, List<SeccompArch> group)
    {
        var intervals = new List<(ulong Start, Outcome Outcome)>();
        var rulesByNr = new Dictionary<uint, List<SyscallRule>>();
        var ruleAbi = new Dictionary<uint, SeccompArch>();
        var badArch = new Outcome(false, Bpf.RetKillThread);

        foreach ((ulong start, ulong end) in Regions(group, out var abiOfRegion))
        {
            SeccompArch? abi = abiOfRegion(start);
            if (abi is null) { Add(intervals, start, end, badArch); continue; }
            AbiRules rules = AbiRules.Build(profile, abi);
            var def = new Outcome(false, profile.DefaultAction);
            ulong pos = start;
            foreach (uint nr in rules.Syscalls)
            {
                List<SyscallRule> list = rules.BySyscall[nr];
                if (nr < start || nr >= end) continue; // e.g. a number of the other x86_64/x32 half
                Add(intervals, pos, nr, def);
                Outcome o = list.Count == 1 && list[0].Conditions.Length == 0
                    ? new Outcome(false, list[0].Action)
                    : new Outcome(true, nr);
                if (o.IsRules) { rulesByNr[nr] = list; ruleAbi[nr] = abi; }
                Add(intervals, nr, (ulong)nr + 1, o);
                pos = (ulong)nr + 1;
            }
            if (profile.EnosysRule && rules.MaxNamed is uint max && max >= start && max < end)
            {
                Add(intervals, pos, (ulong)max + 1, def);
                Add(intervals, (ulong)max + 1, end, new Outcome(false, Bpf.RetErrno | SeccompAction.ENOSYS));
            }
            else Add(intervals, pos, end, def);
        }

        // Labels of the outcomes, bound after the tree: one shared "ret X" per distinct action.
        var retLabels = new Dictionary<uint, int>();
        var ruleLabels = new Dictionary<uint, int>();
        int[] leafLabel = new int[intervals.Count];
        for (int i = 0; i < intervals.Count; i++)
        {
            Outcome o = intervals[i].Outcome;
            Dictionary<uint, int> d = o.IsRules ? ruleLabels : retLabels;
            if (!d.TryGetValue(o.Value, out int l)) d[o.Value] = l = b.NewLabel();
            leafLabel[i] = l;
        }

        b.Load(Bpf.OffsetNr);
        if (intervals.Count == 1) b.Goto(leafLabel[0]);
        else EmitTree(b, intervals, leafLabel, 0, intervals.Count, -1);

        foreach ((uint action, int label) in retLabels)
        {
            b.Mark(label);
            b.Ret(action);
        }
        // Rule blocks come after the shared rets (jumps only go forward), so each ends in its own
        // "ret default": one instruction more per conditional syscall, but never a trampoline.
        foreach ((uint nr, int label) in ruleLabels)
        {
            b.Mark(label);
            int noMatch = b.NewLabel();
            RuleCode.EmitRules(b, rulesByNr[nr], ruleAbi[nr], noMatch);
            b.Mark(noMatch);
            b.Ret(profile.DefaultAction);
        }
    }

    /// <summary>
    /// Emits the jge tree choosing among intervals [lo, hi) (hi - lo ≥ 2), pre-order so every
    /// jump goes forward. <paramref name="self"/> is the label to bind here (-1 at the root).
    /// </summary>
    private static void EmitTree(BpfBuilder b, List<(ulong Start, Outcome Outcome)> intervals, int[] leafLabel, int lo, int hi, int self)
    {
        if (self >= 0) b.Mark(self);
        int mid = lo + (hi - lo) / 2;
        int left = mid - lo == 1 ? leafLabel[lo] : b.NewLabel();
        int right = hi - mid == 1 ? leafLabel[mid] : b.NewLabel();
        b.Jump(Bpf.JgeK, (uint)intervals[mid].Start, right, left);
        if (mid - lo > 1) EmitTree(b, intervals, leafLabel, lo, mid, left);
        if (hi - mid > 1) EmitTree(b, intervals, leafLabel, mid, hi, right);
    }

    /// <summary>Appends [start, end) with outcome o, merging with the previous interval when equal.</summary>
    private static void Add(List<(ulong Start, Outcome Outcome)> intervals, ulong start, ulong end, Outcome o)
    {
        if (start >= end) return;
        if (intervals.Count > 0 && intervals[^1].Outcome == o) return;
        intervals.Add((start, o));
    }

    /// <summary>
    /// The number ranges of an audit-arch group and which ABI owns each: for AUDIT_ARCH_X86_64,
    /// x86_64 owns nr &lt; 0x40000000 and x32 the rest (as libseccomp splits them); a half whose
    /// ABI isn't in the filter belongs to no ABI (bad arch). Other arches own all numbers.
    /// </summary>
    private static List<(ulong Start, ulong End)> Regions(List<SeccompArch> group, out System.Func<ulong, SeccompArch?> owner)
    {
        if (group[0].AuditArch != SeccompArch.X86_64.AuditArch)
        {
            SeccompArch only = group[0];
            owner = _ => only;
            return new List<(ulong, ulong)> { (0, NrSpace) };
        }
        SeccompArch? x64 = group.Contains(SeccompArch.X86_64) ? SeccompArch.X86_64 : null;
        SeccompArch? x32 = group.Contains(SeccompArch.X32) ? SeccompArch.X32 : null;
        owner = start => start < SeccompArch.X32SyscallBit ? x64 : x32;
        return new List<(ulong, ulong)> { (0, SeccompArch.X32SyscallBit), (SeccompArch.X32SyscallBit, NrSpace) };
    }
}
