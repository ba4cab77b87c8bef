using System;
using OciRuntime.Seccomp.Tables;

namespace OciRuntime.Seccomp;

/// <summary>
/// One syscall ABI we can compile rules for. x86_64 and x32 share the audit arch
/// AUDIT_ARCH_X86_64; the kernel tells them apart by bit 30 of the syscall number
/// (__X32_SYSCALL_BIT), which is already part of every x32 number in our tables.
/// </summary>
public sealed class SeccompArch
{
    public const uint X32SyscallBit = 0x40000000;

    /// <summary>The OCI/libseccomp name, e.g. <c>SCMP_ARCH_X86_64</c>.</summary>
    public string Name { get; }
    /// <summary>The AUDIT_ARCH_* value the kernel puts in <c>seccomp_data.arch</c>.</summary>
    public uint AuditArch { get; }
    /// <summary>
    /// Whether argument comparisons use all 64 bits. libseccomp compares only the low 32 bits
    /// on its 32-bit ABIs (x86, arm and x32) and truncates the rule values; we do the same.
    /// </summary>
    public bool Args64 { get; }
    internal SyscallTable Table { get; }

    private SeccompArch(string name, uint auditArch, bool args64, SyscallTable table)
    {
        Name = name; AuditArch = auditArch; Args64 = args64; Table = table;
    }

    // AUDIT_ARCH_* = EM_* | __AUDIT_ARCH_64BIT (0x80000000) | __AUDIT_ARCH_LE (0x40000000).
    public static readonly SeccompArch X86_64 = new("SCMP_ARCH_X86_64", 0xC000003E, true, SyscallTables.X86_64);
    public static readonly SeccompArch X32 = new("SCMP_ARCH_X32", 0xC000003E, false, SyscallTables.X32);
    public static readonly SeccompArch X86 = new("SCMP_ARCH_X86", 0x40000003, false, SyscallTables.X86);
    public static readonly SeccompArch Aarch64 = new("SCMP_ARCH_AARCH64", 0xC00000B7, true, SyscallTables.Aarch64);
    public static readonly SeccompArch Arm = new("SCMP_ARCH_ARM", 0x40000028, false, SyscallTables.Arm);

    public static readonly SeccompArch[] Supported = { X86_64, X32, X86, Aarch64, Arm };

    /// <summary>
    /// Every name config-linux.md lists. The ones we have no tables for are accepted and
    /// left out of the filter: a host kernel can't run processes of those ABIs (an x86_64
    /// kernel runs x86_64, x32 and x86 only; an arm64 kernel arm64 and arm), so they could
    /// only ever hit the bad-arch action anyway.
    /// </summary>
    public static readonly string[] KnownNames =
    {
        "SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32", "SCMP_ARCH_ARM", "SCMP_ARCH_AARCH64",
        "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL",
        "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC", "SCMP_ARCH_PPC64",
        "SCMP_ARCH_PPC64LE", "SCMP_ARCH_S390", "SCMP_ARCH_S390X", "SCMP_ARCH_PARISC",
        "SCMP_ARCH_PARISC64", "SCMP_ARCH_RISCV64", "SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K",
        "SCMP_ARCH_SH", "SCMP_ARCH_SHEB",
    };

    public static SeccompArch? FromName(string name)
    {
        foreach (SeccompArch a in Supported)
            if (a.Name == name) return a;
        return null;
    }

    public static bool IsKnownName(string name) => Array.IndexOf(KnownNames, name) >= 0;

    /// <summary>The ABI this process runs as, for callers that don't pass one.</summary>
    public static string HostName => System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture switch
    {
        System.Runtime.InteropServices.Architecture.X64 => X86_64.Name,
        System.Runtime.InteropServices.Architecture.Arm64 => Aarch64.Name,
        System.Runtime.InteropServices.Architecture.X86 => X86.Name,
        System.Runtime.InteropServices.Architecture.Arm => Arm.Name,
        _ => X86_64.Name,
    };

    /// <summary>The syscall number of <paramref name="syscall"/> on this ABI, or null if this ABI has none.</summary>
    public uint? Resolve(string syscall) => Table.Resolve(syscall);

    /// <summary>The names in this ABI's table, sorted by number (parallel to <see cref="SyscallNumbers"/>).</summary>
    public System.Collections.Generic.IReadOnlyList<string> SyscallNames => Table.Names;
    public System.Collections.Generic.IReadOnlyList<uint> SyscallNumbers => Table.Numbers;

    /// <summary>The highest syscall number in this ABI's table.</summary>
    public uint MaxSyscall => Table.Max;

    public override string ToString() => Name;
}
