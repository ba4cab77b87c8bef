using System;
using System.Runtime.InteropServices;

namespace OciRuntime.Seccomp;

/// <summary>
/// A compiled filter: what the runtime hands to
/// <c>seccomp(SECCOMP_SET_MODE_FILTER, Flags, &amp;(struct sock_fprog){ len, ToBytes() })</c>.
/// </summary>
public sealed class SeccompProgram
{
    /// <summary>The cBPF instructions, at most <see cref="Bpf.MaxInstructions"/>.</summary>
    public SockFilter[] Instructions { get; }

    /// <summary>SECCOMP_FILTER_FLAG_* bits, including NEW_LISTENER when <see cref="NeedsListener"/>.</summary>
    public uint Flags { get; }

    /// <summary>
    /// True when some rule is SCMP_ACT_NOTIFY: seccomp(2) then returns a listener fd that the
    /// runtime must send to linux.seccomp.listenerPath.
    /// </summary>
    public bool NeedsListener { get; }

    public SeccompProgram(SockFilter[] instructions, uint flags, bool needsListener)
    {
        Instructions = instructions;
        Flags = flags;
        NeedsListener = needsListener;
    }

    /// <summary>The raw <c>struct sock_filter[]</c> (8 bytes per instruction, host byte order).</summary>
    public byte[] ToBytes() => MemoryMarshal.AsBytes(Instructions.AsSpan()).ToArray();

    /// <summary>Parses a raw <c>struct sock_filter[]</c>; null if the length isn't a multiple of 8.</summary>
    public static SockFilter[]? ParseInstructions(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length % 8 != 0) return null;
        return MemoryMarshal.Cast<byte, SockFilter>(bytes).ToArray();
    }

    public override string ToString()
    {
        var sb = new System.Text.StringBuilder();
        for (int i = 0; i < Instructions.Length; i++)
            sb.Append(i.ToString().PadLeft(4)).Append(": ").Append(Bpf.Disassemble(Instructions[i])).Append('\n');
        return sb.ToString();
    }
}
