namespace OciRuntime.Seccomp.Tests;

/// <summary>struct seccomp_data, as the kernel fills it for a filter.</summary>
public readonly record struct SeccompData(uint Nr, uint Arch, ulong InstructionPointer, ulong[] Args)
{
    public static SeccompData Of(uint arch, uint nr, params ulong[] args)
    {
        var a = new ulong[6];
        args.CopyTo(a, 0);
        return new SeccompData(nr, arch, 0, a);
    }

    /// <summary>The 32-bit word at byte offset <paramref name="off"/> of the struct (host = little endian).</summary>
    public uint Word(uint off) => off switch
    {
        0 => Nr,
        4 => Arch,
        8 => (uint)InstructionPointer,
        12 => (uint)(InstructionPointer >> 32),
        >= 16 and < 64 when off % 4 == 0 => (off % 8 == 0) ? (uint)Args[(off - 16) / 8] : (uint)(Args[(off - 16) / 8] >> 32),
        _ => throw new InvalidOperationException($"load at offset {off}: the kernel would reject this filter"),
    };
}

/// <summary>
/// A classic-BPF interpreter for the subset seccomp accepts, strict where the kernel's
/// checker is (bad opcodes, jumps out of the program, falling off the end), counting the
/// instructions executed so the bench can report them.
/// </summary>
public static class BpfInterpreter
{
    public static uint Run(ReadOnlySpan<SockFilter> prog, SeccompData d) => Run(prog, d, out _);

    public static uint Run(ReadOnlySpan<SockFilter> prog, SeccompData d, out int executed)
    {
        uint a = 0, x = 0;
        var mem = new uint[16];
        executed = 0;
        int pc = 0;
        while (true)
        {
            if (pc < 0 || pc >= prog.Length) throw new InvalidOperationException($"pc {pc} outside the program");
            SockFilter i = prog[pc++];
            executed++;
            switch (i.Code)
            {
                case 0x20: a = d.Word(i.K); break;                  // ld [k]
                case 0x00: a = i.K; break;                          // ld #k
                case 0x01: x = i.K; break;                          // ldx #k
                case 0x02: mem[i.K] = a; break;                     // st M[k]
                case 0x03: mem[i.K] = x; break;                     // stx M[k]
                case 0x60: a = mem[i.K]; break;                     // ld M[k]
                case 0x61: x = mem[i.K]; break;                     // ldx M[k]
                case 0x80: a = 64; break;                           // ld #len (sizeof seccomp_data)
                case 0x07: x = a; break;                            // tax
                case 0x87: a = x; break;                            // txa
                case 0x04: a += i.K; break;
                case 0x14: a -= i.K; break;
                case 0x24: a *= i.K; break;
                case 0x34: a = i.K == 0 ? throw new InvalidOperationException("div 0") : a / i.K; break;
                case 0x44: a |= i.K; break;
                case 0x54: a &= i.K; break;                         // and #k
                case 0x64: a <<= (int)i.K; break;
                case 0x74: a >>= (int)i.K; break;
                case 0x84: a = (uint)-(int)a; break;
                case 0x0c: a += x; break;
                case 0x5c: a &= x; break;
                case 0x05: pc += (int)i.K; break;                   // ja
                case 0x15: pc += a == i.K ? i.Jt : i.Jf; break;     // jeq #k
                case 0x25: pc += a > i.K ? i.Jt : i.Jf; break;      // jgt #k
                case 0x35: pc += a >= i.K ? i.Jt : i.Jf; break;     // jge #k
                case 0x45: pc += (a & i.K) != 0 ? i.Jt : i.Jf; break; // jset #k
                case 0x1d: pc += a == x ? i.Jt : i.Jf; break;
                case 0x2d: pc += a > x ? i.Jt : i.Jf; break;
                case 0x3d: pc += a >= x ? i.Jt : i.Jf; break;
                case 0x4d: pc += (a & x) != 0 ? i.Jt : i.Jf; break;
                case 0x06: return i.K;                              // ret #k
                case 0x16: return a;                                // ret a
                default: throw new InvalidOperationException($"opcode 0x{i.Code:x} at {pc - 1}");
            }
        }
    }
}
