using System.Runtime.InteropServices;

namespace OciRuntime.Seccomp;

/// <summary>
/// One classic-BPF instruction, laid out exactly like the kernel's <c>struct sock_filter</c>
/// (u16 code, u8 jt, u8 jf, u32 k: 8 bytes, host byte order), so an array of these is the
/// <c>filter</c> of the <c>struct sock_fprog</c> handed to seccomp(2).
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public readonly record struct SockFilter(ushort Code, byte Jt, byte Jf, uint K)
{
    public override string ToString() => Bpf.Disassemble(this);
}
