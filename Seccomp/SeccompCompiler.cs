using System;
using OciRuntime.Spec.Config;
using OciRuntime.Spec.Validation;

namespace OciRuntime.Seccomp;

/// <summary>Compiles linux.seccomp to a cBPF program for seccomp(2), without libseccomp.</summary>
public static class SeccompCompiler
{
    /// <summary>
    /// Compiles <paramref name="spec"/> for a host whose native ABI is <paramref name="nativeArch"/>
    /// (always in the filter, as libseccomp's seccomp_init adds it).
    /// </summary>
    /// <exception cref="SpecException">The section is invalid; errors name paths under linux.seccomp.</exception>
    /// <exception cref="ArgumentException"><paramref name="nativeArch"/> is not one we have tables for.</exception>
    public static SeccompProgram Compile(LinuxSeccomp spec, string nativeArch = "SCMP_ARCH_X86_64")
    {
        ArgumentNullException.ThrowIfNull(spec);
        SeccompArch native = SeccompArch.FromName(nativeArch)
            ?? throw new ArgumentException($"unsupported native architecture \"{nativeArch}\"", nameof(nativeArch));
        Profile profile = ProfileReader.Read(spec, native);
        SockFilter[] code = FilterGenerator.Generate(profile);
        if (code.Length > Bpf.MaxInstructions)
            throw new SpecException("linux.seccomp",
                $"the filter needs {code.Length} BPF instructions, more than the kernel's limit of {Bpf.MaxInstructions}");
        return new SeccompProgram(code, profile.Flags, profile.NeedsListener);
    }
}
