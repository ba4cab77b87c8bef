using System.Collections.Generic;

namespace OciRuntime.Seccomp;

/// <summary>
/// Argument checks. seccomp_data.args[i] are 64-bit but cBPF's accumulator is 32-bit, so a
/// 64-bit comparison is done on the high word first and the low word only when the high
/// words are equal. On ABIs where libseccomp compares 32 bits (x86, arm, x32) only the low
/// word is loaded and the rule values are truncated to 32 bits, as libseccomp does.
/// </summary>
internal static class RuleCode
{
    /// <summary>
    /// Rules of one syscall: each rule's conditions are ANDed; rules are tried in order and the
    /// first whose conditions all hold returns its action; if none does, jump to <paramref name="noMatch"/>.
    /// </summary>
    public static void EmitRules(BpfBuilder b, List<SyscallRule> rules, SeccompArch abi, int noMatch)
    {
        for (int r = 0; r < rules.Count; r++)
        {
            SyscallRule rule = rules[r];
            int fail = r == rules.Count - 1 ? noMatch : b.NewLabel();
            foreach (ArgCondition c in rule.Conditions)
            {
                int pass = b.NewLabel();
                EmitCondition(b, c, abi.Args64, pass, fail);
                b.Mark(pass);
            }
            b.Ret(rule.Action);
            if (fail != noMatch) b.Mark(fail);
        }
    }

    /// <summary>Emits a test of one condition that jumps to pass or fail.</summary>
    public static void EmitCondition(BpfBuilder b, ArgCondition c, bool args64, int pass, int fail)
    {
        uint lo = (uint)c.Value, hi = (uint)(c.Value >> 32);
        uint lo2 = (uint)c.ValueTwo, hi2 = (uint)(c.ValueTwo >> 32);
        uint offLo = Bpf.OffsetArgLow(c.Index), offHi = Bpf.OffsetArgHigh(c.Index);

        if (!args64)
        {
            b.Load(offLo);
            EmitWord(b, c.Op, lo, lo2, pass, fail);
            return;
        }

        // High word decides unless equal; "lowWord" is where we go when it is equal.
        int lowWord = b.NewLabel();
        b.Load(offHi);
        switch (c.Op)
        {
            case SeccompOperator.Equal:
                b.Jump(Bpf.JeqK, hi, lowWord, fail);
                break;
            case SeccompOperator.NotEqual:
                b.Jump(Bpf.JeqK, hi, lowWord, pass);
                break;
            case SeccompOperator.GreaterThan:
            case SeccompOperator.GreaterOrEqual:
                {
                    int notAbove = b.NewLabel();
                    b.Jump(Bpf.JgtK, hi, pass, notAbove);
                    b.Mark(notAbove);
                    b.Jump(Bpf.JeqK, hi, lowWord, fail);
                    break;
                }
            case SeccompOperator.LessThan:
            case SeccompOperator.LessOrEqual:
                {
                    int notAbove = b.NewLabel();
                    b.Jump(Bpf.JgtK, hi, fail, notAbove);
                    b.Mark(notAbove);
                    b.Jump(Bpf.JeqK, hi, lowWord, pass);
                    break;
                }
            case SeccompOperator.MaskedEqual:
                b.And(hi);
                b.Jump(Bpf.JeqK, hi2 & hi, lowWord, fail);
                break;
        }
        b.Mark(lowWord);
        b.Load(offLo);
        EmitWord(b, c.Op, lo, lo2, pass, fail);
    }

    /// <summary>A 32-bit comparison of the accumulator (already loaded) with the low words.</summary>
    private static void EmitWord(BpfBuilder b, SeccompOperator op, uint v, uint v2, int pass, int fail)
    {
        switch (op)
        {
            case SeccompOperator.Equal: b.Jump(Bpf.JeqK, v, pass, fail); break;
            case SeccompOperator.NotEqual: b.Jump(Bpf.JeqK, v, fail, pass); break;
            case SeccompOperator.GreaterThan: b.Jump(Bpf.JgtK, v, pass, fail); break;
            case SeccompOperator.GreaterOrEqual: b.Jump(Bpf.JgeK, v, pass, fail); break;
            case SeccompOperator.LessThan: b.Jump(Bpf.JgeK, v, fail, pass); break;
            case SeccompOperator.LessOrEqual: b.Jump(Bpf.JgtK, v, fail, pass); break;
            case SeccompOperator.MaskedEqual:
                // value is the mask, valueTwo the expected result (runc passes them to libseccomp so).
                // libseccomp compares with (valueTwo & mask), so bits of valueTwo outside the
                // mask are ignored rather than making the rule never match; we do the same.
                b.And(v);
                b.Jump(Bpf.JeqK, v2 & v, pass, fail);
                break;
        }
    }
}
