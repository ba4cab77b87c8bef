using System;
using System.Buffers.Binary;

namespace OciRuntime.Cgroups;

/// <summary>
/// One eBPF instruction (struct bpf_insn: u8 code, u8 dst:4|src:4, s16 off, s32 imm) and the
/// few opcodes the device filter uses (include/uapi/linux/bpf_common.h, bpf.h).
/// </summary>
public readonly record struct BpfInsn(byte Code, byte Dst, byte Src, short Off, int Imm)
{
    // class | op | source
    public const byte LdxMemW = 0x61;     // BPF_LDX | BPF_MEM | BPF_W:   dst = *(u32 *)(src + off)
    public const byte Alu32AndK = 0x54;   // BPF_ALU | BPF_AND | BPF_K:   dst32 &= imm
    public const byte Alu32RshK = 0x74;   // BPF_ALU | BPF_RSH | BPF_K:   dst32 >>= imm
    public const byte Alu32MovK = 0xb4;   // BPF_ALU | BPF_MOV | BPF_K:   dst32 = imm
    public const byte Alu32MovX = 0xbc;   // BPF_ALU | BPF_MOV | BPF_X:   dst32 = src32
    public const byte Jmp32JneK = 0x56;   // BPF_JMP32 | BPF_JNE | BPF_K: if (dst32 != imm) pc += off
    public const byte Jmp32JneX = 0x5e;   // BPF_JMP32 | BPF_JNE | BPF_X: if (dst32 != src32) pc += off
    public const byte Jmp32JeqK = 0x16;   // BPF_JMP32 | BPF_JEQ | BPF_K: if (dst32 == imm) pc += off
    public const byte Ja = 0x05;          // BPF_JMP | BPF_JA:            pc += off
    public const byte Exit = 0x95;        // BPF_JMP | BPF_EXIT:         return r0

    public const int Size = 8;

    public void WriteTo(Span<byte> b)
    {
        b[0] = Code;
        b[1] = (byte)((Dst & 0xf) | ((Src & 0xf) << 4));
        BinaryPrimitives.WriteInt16LittleEndian(b.Slice(2), Off);
        BinaryPrimitives.WriteInt32LittleEndian(b.Slice(4), Imm);
    }

    public static BpfInsn ReadFrom(ReadOnlySpan<byte> b) =>
        new(b[0], (byte)(b[1] & 0xf), (byte)(b[1] >> 4), BinaryPrimitives.ReadInt16LittleEndian(b.Slice(2)), BinaryPrimitives.ReadInt32LittleEndian(b.Slice(4)));

    public static byte[] ToBytes(System.Collections.Generic.IReadOnlyList<BpfInsn> insns)
    {
        byte[] bytes = new byte[insns.Count * Size];
        for (int i = 0; i < insns.Count; i++) insns[i].WriteTo(bytes.AsSpan(i * Size));
        return bytes;
    }
}
