using System.Buffers.Binary;

namespace OciRuntime.Cgroups.Tests;

/// <summary>
/// Runs the subset of eBPF the device filter emits (ldxw, alu32 and/rsh/mov, jmp32 jne, exit)
/// over a struct bpf_cgroup_dev_ctx, so the program's verdicts can be checked against the rule
/// model for many inputs. Anything else is an error, so an unexpected opcode cannot pass.
/// </summary>
public static class DeviceBpfInterpreter
{
    public static bool Run(IReadOnlyList<BpfInsn> prog, int devType, DeviceAccess access, uint major, uint minor, out int steps)
    {
        byte[] ctx = new byte[12];
        BinaryPrimitives.WriteUInt32LittleEndian(ctx, (uint)(devType | ((int)access << 16)));
        BinaryPrimitives.WriteUInt32LittleEndian(ctx.AsSpan(4), major);
        BinaryPrimitives.WriteUInt32LittleEndian(ctx.AsSpan(8), minor);
        var r = new ulong[11];
        const ulong CtxPtr = 0x1000;
        r[1] = CtxPtr;
        steps = 0;
        for (int pc = 0; pc < prog.Count; pc++)
        {
            if (++steps > 10_000) throw new InvalidOperationException("no exit");
            BpfInsn i = prog[pc];
            switch (i.Code)
            {
                case BpfInsn.LdxMemW:
                    if (r[i.Src] != CtxPtr || i.Off < 0 || i.Off > 8 || i.Off % 4 != 0) throw new InvalidOperationException($"bad load at {pc}");
                    r[i.Dst] = BinaryPrimitives.ReadUInt32LittleEndian(ctx.AsSpan(i.Off));
                    break;
                case BpfInsn.Alu32AndK: r[i.Dst] = (uint)r[i.Dst] & (uint)i.Imm; break;
                case BpfInsn.Alu32RshK: r[i.Dst] = (uint)r[i.Dst] >> i.Imm; break;
                case BpfInsn.Alu32MovK: r[i.Dst] = (uint)i.Imm; break;
                case BpfInsn.Alu32MovX: r[i.Dst] = (uint)r[i.Src]; break;
                case BpfInsn.Jmp32JneK: if ((uint)r[i.Dst] != (uint)i.Imm) pc += i.Off; break;
                case BpfInsn.Jmp32JneX: if ((uint)r[i.Dst] != (uint)r[i.Src]) pc += i.Off; break;
                case BpfInsn.Jmp32JeqK: if ((uint)r[i.Dst] == (uint)i.Imm) pc += i.Off; break;
                case BpfInsn.Ja: pc += i.Off; break;
                case BpfInsn.Exit: return r[0] != 0;
                default: throw new InvalidOperationException($"opcode 0x{i.Code:x2} at {pc} is not in the subset");
            }
        }
        throw new InvalidOperationException("fell off the end");
    }
}
