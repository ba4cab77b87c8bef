using System.Collections.Generic;

namespace OciRuntime.Cgroups;

/// <summary>
/// Compiles device rules to a BPF_PROG_TYPE_CGROUP_DEVICE program, the cgroup v2 replacement of
/// v1's devices.allow/deny. The layout is runc's (libcontainer/cgroups/devices/devicefilter.go):
/// <code>
///   r2 = ctx->access_type &amp; 0xffff     (BPF_DEVCG_DEV_BLOCK 1 / CHAR 2)
///   r3 = ctx->access_type >> 16        (BPF_DEVCG_ACC_MKNOD 1 | READ 2 | WRITE 4)
///   r4 = ctx->major; r5 = ctx->minor
///   per exception: if type == T skip 1; goto next; [if (r3 &amp; A) != r3 goto next;]
///                  [if major != M goto next;] [if minor != N goto next;] return verdict
///   return default
/// </code>
/// The type test is inverted (runc: if type != T goto next) for the verifier's sake, which took
/// 0.3-0.5 ms of every create on this runc layout: it follows the fall-through first, and with
/// runc's jump the first state to reach "next" is the one that matched the type, major and all but
/// the minor, whose exact values do not cover the states that arrive later (a type, access or major
/// mismatch), so the rest of the program was verified again for each. Falling through on a type
/// mismatch makes the first state at every "next" the general one, which covers all later arrivals
/// (r0 and r1 are written before they are read there, so they do not count).
/// The rules first go through <see cref="DeviceRuleSet"/> (runc's emulator), so every exception
/// has the same verdict and their order does not matter. Comparisons are 32-bit (JMP32), so
/// majors/minors above 2^31 compare correctly (runc's 64-bit compare with a sign-extended
/// immediate would not).
/// </summary>
public static class DeviceFilter
{
    private const byte R0 = 0, R1 = 1, R2 = 2, R3 = 3, R4 = 4, R5 = 5;
    public const int DevBlock = 1, DevChar = 2; // BPF_DEVCG_DEV_*

    public static List<BpfInsn> Compile(IEnumerable<DeviceRule> rules) => Compile(DeviceRuleSet.From(rules));

    public static List<BpfInsn> Compile(DeviceRuleSet set)
    {
        var p = new List<BpfInsn>
        {
            new(BpfInsn.LdxMemW, R2, R1, 0, 0),
            new(BpfInsn.Alu32AndK, R2, 0, 0, 0xffff),
            new(BpfInsn.LdxMemW, R3, R1, 0, 0),
            new(BpfInsn.Alu32RshK, R3, 0, 0, 16),
            new(BpfInsn.LdxMemW, R4, R1, 4, 0),
            new(BpfInsn.LdxMemW, R5, R1, 8, 0),
        };
        foreach (DeviceRule e in set.Exceptions())
        {
            // Each block's jumps go to the first instruction after the block ("next").
            var block = new List<(byte Code, byte Dst, byte Src, int Imm)>();
            block.Add((BpfInsn.Jmp32JeqK, R2, 0, e.Type == 'b' ? DevBlock : DevChar));
            block.Add((BpfInsn.Ja, 0, 0, 0));
            if (e.Access != DeviceAccess.All)
            {
                // r1 (the ctx pointer, no longer needed) is the scratch register, as in runc.
                block.Add((BpfInsn.Alu32MovX, R1, R3, 0));
                block.Add((BpfInsn.Alu32AndK, R1, 0, (int)e.Access));
                block.Add((BpfInsn.Jmp32JneX, R1, R3, 0));
            }
            if (e.Major != DeviceRule.Wildcard) block.Add((BpfInsn.Jmp32JneK, R4, 0, unchecked((int)(uint)e.Major)));
            if (e.Minor != DeviceRule.Wildcard) block.Add((BpfInsn.Jmp32JneK, R5, 0, unchecked((int)(uint)e.Minor)));
            int len = block.Count + 2; // + mov r0, exit
            for (int i = 0; i < block.Count; i++)
            {
                var (code, dst, src, imm) = block[i];
                bool toNext = code is BpfInsn.Jmp32JneK or BpfInsn.Jmp32JneX or BpfInsn.Ja;
                short off = code == BpfInsn.Jmp32JeqK ? (short)1 : toNext ? (short)(len - i - 1) : (short)0;
                p.Add(new BpfInsn(code, dst, src, off, imm));
            }
            p.Add(new BpfInsn(BpfInsn.Alu32MovK, R0, 0, 0, e.Allow ? 1 : 0));
            p.Add(new BpfInsn(BpfInsn.Exit, 0, 0, 0, 0));
        }
        p.Add(new BpfInsn(BpfInsn.Alu32MovK, R0, 0, 0, set.DefaultAllow ? 1 : 0));
        p.Add(new BpfInsn(BpfInsn.Exit, 0, 0, 0, 0));
        return p;
    }
}
