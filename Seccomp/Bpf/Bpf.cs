namespace OciRuntime.Seccomp;

/// <summary>The classic-BPF opcodes and seccomp constants the compiler emits (linux/filter.h, linux/seccomp.h).</summary>
public static class Bpf
{
    // Instruction classes and modes we use. Seccomp only accepts a subset of cBPF; these are in it.
    public const ushort LdWAbs = 0x00 | 0x00 | 0x20;   // BPF_LD | BPF_W | BPF_ABS: A = seccomp_data[k]
    public const ushort AluAndK = 0x04 | 0x50 | 0x00;  // BPF_ALU | BPF_AND | BPF_K: A &= k
    public const ushort Ja = 0x05 | 0x00;              // BPF_JMP | BPF_JA: pc += k
    public const ushort JeqK = 0x05 | 0x10;            // BPF_JMP | BPF_JEQ | BPF_K
    public const ushort JgtK = 0x05 | 0x20;            // BPF_JMP | BPF_JGT | BPF_K
    public const ushort JgeK = 0x05 | 0x30;            // BPF_JMP | BPF_JGE | BPF_K
    public const ushort JsetK = 0x05 | 0x40;           // BPF_JMP | BPF_JSET | BPF_K
    public const ushort RetK = 0x06;                   // BPF_RET | BPF_K

    /// <summary>BPF_MAXINSNS: the kernel rejects longer programs.</summary>
    public const int MaxInstructions = 4096;

    // struct seccomp_data offsets: nr, arch, instruction_pointer, args[6] (u64 each, host order).
    public const uint OffsetNr = 0;
    public const uint OffsetArch = 4;
    public static uint OffsetArgLow(int index) => (uint)(16 + 8 * index + (System.BitConverter.IsLittleEndian ? 0 : 4));
    public static uint OffsetArgHigh(int index) => (uint)(16 + 8 * index + (System.BitConverter.IsLittleEndian ? 4 : 0));

    // SECCOMP_RET_* action values (the high 16 bits; the low 16 are data, e.g. the errno).
    public const uint RetKillProcess = 0x80000000;
    public const uint RetKillThread = 0x00000000;
    public const uint RetTrap = 0x00030000;
    public const uint RetErrno = 0x00050000;
    public const uint RetUserNotif = 0x7fc00000;
    public const uint RetTrace = 0x7ff00000;
    public const uint RetLog = 0x7ffc0000;
    public const uint RetAllow = 0x7fff0000;
    public const uint RetActionFullMask = 0xffff0000;
    public const uint RetDataMask = 0x0000ffff;

    public static string Disassemble(SockFilter i) => i.Code switch
    {
        LdWAbs => $"ld [{i.K}]",
        AluAndK => $"and #0x{i.K:x}",
        Ja => $"ja +{i.K}",
        JeqK => $"jeq #0x{i.K:x} jt +{i.Jt} jf +{i.Jf}",
        JgtK => $"jgt #0x{i.K:x} jt +{i.Jt} jf +{i.Jf}",
        JgeK => $"jge #0x{i.K:x} jt +{i.Jt} jf +{i.Jf}",
        JsetK => $"jset #0x{i.K:x} jt +{i.Jt} jf +{i.Jf}",
        RetK => $"ret #0x{i.K:x}",
        _ => $"op 0x{i.Code:x} jt {i.Jt} jf {i.Jf} k 0x{i.K:x}",
    };
}
