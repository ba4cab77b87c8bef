using OciRuntime.Spec.Config;

namespace OciRuntime.Seccomp.Tests;

/// <summary>
/// The expected verdict of a profile under runc: runc's ENOSYS stub (extended, as documented
/// in docs/seccomp.md, to the native arch) in front of libseccomp's filter.
/// </summary>
public static class Reference
{
    public static readonly string[] Abis = { "SCMP_ARCH_X86_64", "SCMP_ARCH_X32", "SCMP_ARCH_X86", "SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM" };

    public static SeccompArch? AbiOf(SeccompData d, IEnumerable<string> filterAbis)
    {
        var set = filterAbis.ToHashSet();
        foreach (string n in set)
        {
            SeccompArch a = SeccompArch.FromName(n)!;
            if (a.AuditArch != d.Arch) continue;
            if (a.AuditArch == SeccompArch.X86_64.AuditArch)
            {
                string want = d.Nr >= SeccompArch.X32SyscallBit ? "SCMP_ARCH_X32" : "SCMP_ARCH_X86_64";
                return set.Contains(want) ? SeccompArch.FromName(want) : null;
            }
            return a;
        }
        return null;
    }

    public static bool EnosysApplies(LinuxSeccomp spec)
    {
        uint def = SeccompAction.ToRet(spec.DefaultAction, spec.DefaultErrnoRet)!.Value;
        uint kind = def & 0xffff0000;
        return kind is not (0x7fff0000 or 0x7ffc0000 or 0x7ff00000) && def != (0x50000u | 38);
    }

    /// <summary>The highest number of a syscall the profile names, on <paramref name="abi"/>.</summary>
    public static uint? MaxNamed(LinuxSeccomp spec, SeccompArch abi)
    {
        uint? max = null;
        foreach (LinuxSyscall sc in spec.Syscalls ?? new())
            foreach (string n in sc.Names)
                if (abi.Resolve(n) is uint nr && (max is null || nr > max)) max = nr;
        return max;
    }

    /// <summary>
    /// The reference verdict. libseccomp is asked for a filter of the one ABI the syscall belongs
    /// to: libseccomp 2.5.4 mis-generates some multi-arch filters (when it merges the x86_64 and
    /// x32 blocks it can compare the arch word, still in the accumulator, with syscall numbers),
    /// so a multi-arch libseccomp filter is not a trustworthy oracle. Dispatch by arch is checked
    /// by the unit tests and the kernel tests instead.
    /// </summary>
    public static uint Expected(LinuxSeccomp spec, string native, Func<string, SockFilter[]> libseccompFor, SeccompData d)
    {
        var abis = new List<string> { native };
        abis.AddRange(spec.Architectures ?? new());
        if (AbiOf(d, abis) is not SeccompArch abi) return 0; // bad arch: libseccomp's default, KILL
        if (EnosysApplies(spec) && MaxNamed(spec, abi) is uint max && d.Nr > max)
            return 0x50000u | 38;
        return BpfInterpreter.Run(libseccompFor(abi.Name), d);
    }
}
