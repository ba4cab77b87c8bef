using System.Collections.Generic;

namespace OciRuntime.Seccomp;

/// <summary>One argument condition after validation (index 0..5).</summary>
internal readonly record struct ArgCondition(int Index, SeccompOperator Op, ulong Value, ulong ValueTwo);

/// <summary>
/// One rule of a validated linux.seccomp.syscalls[] entry (<see cref="Index"/>): the entry itself,
/// or, when its conditions repeat an argument index, one of its conditions (runc's split, ProfileReader).
/// </summary>
internal sealed record ProfileEntry(int Index, IReadOnlyList<string> Names, uint Action, ArgCondition[] Conditions);

/// <summary>linux.seccomp after validation: everything the generator needs, nothing it must re-check.</summary>
internal sealed class Profile
{
    public required uint DefaultAction { get; init; }
    /// <summary>The ABIs in the filter: the native one first, then the listed ones we have tables for.</summary>
    public required List<SeccompArch> Abis { get; init; }
    public required uint Flags { get; init; }
    public required bool NeedsListener { get; init; }
    public required List<ProfileEntry> Entries { get; init; }
    /// <summary>Whether the ENOSYS rule applies at all (see docs/seccomp.md).</summary>
    public required bool EnosysRule { get; init; }
}
