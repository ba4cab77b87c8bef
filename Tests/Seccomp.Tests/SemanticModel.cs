using OciRuntime.Spec.Config;

namespace OciRuntime.Seccomp.Tests;

/// <summary>
/// A direct, non-BPF statement of what a profile means for one syscall (the second oracle,
/// independent of libseccomp, whose 2.5.4 BPF is wrong for some overlapping rules on one
/// argument): entries are first split as runc splits them (<see cref="Rules"/>); the
/// unconditional rule of the syscall if any (the first), else the first conditional rule
/// whose conditions all hold, else the default; rules with the default action are ignored;
/// runc's ENOSYS rule; bad arch → KILL.
/// </summary>
public static class SemanticModel
{
    public static uint Verdict(LinuxSeccomp spec, string native, SeccompData d)
    {
        var abis = new List<string> { native };
        abis.AddRange(spec.Architectures ?? new());
        if (Reference.AbiOf(d, abis) is not SeccompArch abi) return 0;
        uint def = SeccompAction.ToRet(spec.DefaultAction, spec.DefaultErrnoRet)!.Value;
        if (Reference.EnosysApplies(spec) && Reference.MaxNamed(spec, abi) is uint max && d.Nr > max) return 0x50000u | 38;

        var matching = (spec.Syscalls ?? new())
            .Where(s => s.Names.Any(n => abi.Resolve(n) == d.Nr))
            .SelectMany(s => Rules(s).Select(args => (Act: SeccompAction.ToRet(s.Action, s.ErrnoRet)!.Value,
                          // a MASKED_EQ with a zero mask always holds: the rule is unconditional
                          Args: args.Where(a => !(a.Op == "SCMP_CMP_MASKED_EQ" && (abi.Args64 ? a.Value : (uint)a.Value) == 0)).ToList())))
            .Where(r => r.Act != def)
            .ToList();
        foreach (var r in matching)
            if (r.Args.Count == 0) return r.Act;
        foreach (var r in matching)
            if (r.Args.All(a => Holds(a, d.Args[a.Index], abi.Args64))) return r.Act;
        return def;
    }

    /// <summary>
    /// The rules one entry stands for: its conditions ANDed, or, when an argument index repeats
    /// (runc 1.1.5's matchCall), each condition alone, so they are ORed.
    /// </summary>
    public static List<List<LinuxSeccompArg>> Rules(LinuxSyscall s)
    {
        var args = s.Args ?? new();
        return args.GroupBy(a => a.Index).Any(g => g.Count() > 1)
            ? args.Select(a => new List<LinuxSeccompArg> { a }).ToList()
            : new() { args };
    }

    public static bool Holds(LinuxSeccompArg a, ulong arg, bool args64)
    {
        ulong v = a.Value, v2 = a.ValueTwo;
        if (!args64) { arg = (uint)arg; v = (uint)v; v2 = (uint)v2; }
        return a.Op switch
        {
            "SCMP_CMP_NE" => arg != v,
            "SCMP_CMP_LT" => arg < v,
            "SCMP_CMP_LE" => arg <= v,
            "SCMP_CMP_EQ" => arg == v,
            "SCMP_CMP_GE" => arg >= v,
            "SCMP_CMP_GT" => arg > v,
            "SCMP_CMP_MASKED_EQ" => (arg & v) == (v2 & v),
            _ => throw new ArgumentException(a.Op),
        };
    }
}
