using System.Collections.Generic;

namespace OciRuntime.Seccomp;

/// <summary>A rule for one syscall on one ABI: the action, if all conditions hold (AND).</summary>
internal sealed record SyscallRule(uint Action, ArgCondition[] Conditions);

/// <summary>
/// The profile's rules resolved to syscall numbers of one ABI, merged the way libseccomp
/// (as driven by runc) merges them.
/// </summary>
internal sealed class AbiRules
{
    public required SeccompArch Abi { get; init; }
    /// <summary>Per syscall number, the rules tried in order (first match wins; none → default).</summary>
    public required Dictionary<uint, List<SyscallRule>> BySyscall { get; init; }
    /// <summary>The keys of <see cref="BySyscall"/>, ascending.</summary>
    public required uint[] Syscalls { get; init; }
    /// <summary>Highest number of any syscall the profile names on this ABI (ENOSYS rule), or null.</summary>
    public required uint? MaxNamed { get; init; }

    public static AbiRules Build(Profile profile, SeccompArch abi)
    {
        var by = new Dictionary<uint, List<SyscallRule>>(512);
        uint? maxNamed = null;
        foreach (ProfileEntry e in profile.Entries)
        {
            foreach (string name in e.Names)
            {
                // A name this ABI doesn't have is skipped for this ABI only (libseccomp/runc do the same).
                if (abi.Resolve(name) is not uint nr) continue;
                if (maxNamed is null || nr > maxNamed) maxNamed = nr;

                // runc drops rules whose action is the default action (libseccomp would refuse
                // them with EACCES); they change nothing, except they must not win over others.
                if (e.Action == profile.DefaultAction) continue;

                if (!by.TryGetValue(nr, out List<SyscallRule>? rules)) by[nr] = rules = new List<SyscallRule>(1);
                var rule = new SyscallRule(e.Action, Effective(e.Conditions, abi));
                if (rules.Count > 0 && rules[0].Conditions.Length == 0)
                    continue; // libseccomp: an unconditional rule already there absorbs later rules.
                if (rule.Conditions.Length == 0)
                {
                    // libseccomp: an unconditional rule replaces the conditional ones before it.
                    rules.Clear();
                    rules.Add(rule);
                }
                else rules.Add(rule);
            }
        }
        uint[] keys = new uint[by.Count];
        by.Keys.CopyTo(keys, 0);
        System.Array.Sort(keys);
        return new AbiRules { Abi = abi, BySyscall = by, Syscalls = keys, MaxNamed = maxNamed };
    }

    /// <summary>
    /// Drops conditions that always hold on this ABI: a MASKED_EQ whose mask is 0 in the
    /// compared width ((arg &amp; 0) == (valueTwo &amp; 0)). libseccomp drops them too, which
    /// matters beyond code size: a rule left with no condition is unconditional and so takes
    /// precedence over the syscall's other rules.
    /// </summary>
    private static ArgCondition[] Effective(ArgCondition[] conditions, SeccompArch abi)
    {
        int keep = 0;
        foreach (ArgCondition c in conditions) if (!AlwaysTrue(c, abi)) keep++;
        if (keep == conditions.Length) return conditions;
        var result = new ArgCondition[keep];
        int i = 0;
        foreach (ArgCondition c in conditions) if (!AlwaysTrue(c, abi)) result[i++] = c;
        return result;
    }

    private static bool AlwaysTrue(ArgCondition c, SeccompArch abi) =>
        c.Op == SeccompOperator.MaskedEqual && (abi.Args64 ? c.Value : (uint)c.Value) == 0;
}
