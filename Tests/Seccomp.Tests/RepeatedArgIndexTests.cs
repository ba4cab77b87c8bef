using OciRuntime.Spec.Config;

namespace OciRuntime.Seccomp.Tests;

/// <summary>
/// runc 1.1.5's matchCall: when a syscalls[] entry repeats an argument index, each of its
/// conditions (on every index) is added as a rule of its own, so they are ORed; otherwise they
/// are ANDed. Profiles list several allowed values of one argument this way.
/// </summary>
public class RepeatedArgIndexTests
{
    private const uint X64 = 0xC000003E, I386 = 0x40000003;
    private const uint Denied = Bpf.RetErrno | 13, Allowed = Bpf.RetAllow;
    private const uint Getpid = 39, I386Getpid = 20;

    private static LinuxSeccompArg Arg(uint index, string op, ulong value, ulong valueTwo = 0) =>
        new() { Index = index, Op = op, Value = value, ValueTwo = valueTwo };

    /// <summary>Default ALLOW; getpid gets EACCES when the entry's rule(s) match.</summary>
    private static SockFilter[] Deny(params LinuxSeccompArg[] args) => SeccompCompiler.Compile(new LinuxSeccomp
    {
        DefaultAction = "SCMP_ACT_ALLOW",
        Architectures = new() { "SCMP_ARCH_X86" },
        Syscalls = new() { new() { Names = new() { "getpid" }, Action = "SCMP_ACT_ERRNO", ErrnoRet = 13, Args = args.ToList() } },
    }).Instructions;

    private static uint Verdict(SockFilter[] p, params ulong[] args) => BpfInterpreter.Run(p, SeccompData.Of(X64, Getpid, args));

    [Fact]
    public void TwoValuesOfOneArgument_AreAlternatives()
    {
        // ANDed, "a0 == 1 && a0 == 2" could never hold and getpid would always be allowed.
        SockFilter[] p = Deny(Arg(0, "SCMP_CMP_EQ", 1), Arg(0, "SCMP_CMP_EQ", 2));
        Assert.Equal(Denied, Verdict(p, 1));
        Assert.Equal(Denied, Verdict(p, 2));
        Assert.Equal(Allowed, Verdict(p, 3));
    }

    [Fact]
    public void OnceAnIndexRepeats_ConditionsOnOtherIndexesAreAlternativesToo()
    {
        SockFilter[] p = Deny(Arg(0, "SCMP_CMP_EQ", 1), Arg(1, "SCMP_CMP_GT", 100), Arg(0, "SCMP_CMP_EQ", 2));
        Assert.Equal(Denied, Verdict(p, 9, 101));   // only a1 > 100 holds
        Assert.Equal(Denied, Verdict(p, 2, 0));     // only a0 == 2 holds
        Assert.Equal(Allowed, Verdict(p, 9, 100));  // none holds
    }

    [Fact]
    public void DistinctIndexes_StayAnded()
    {
        SockFilter[] p = Deny(Arg(0, "SCMP_CMP_EQ", 1), Arg(1, "SCMP_CMP_EQ", 2));
        Assert.Equal(Denied, Verdict(p, 1, 2));
        Assert.Equal(Allowed, Verdict(p, 1, 3));
        Assert.Equal(Allowed, Verdict(p, 0, 2));
    }

    [Fact]
    public void TheSplitAppliesOnEveryAbi()
    {
        SockFilter[] p = Deny(Arg(2, "SCMP_CMP_LT", 5), Arg(2, "SCMP_CMP_GE", 0x1_0000_0010));
        Assert.Equal(Denied, BpfInterpreter.Run(p, SeccompData.Of(I386, I386Getpid, 0, 0, 4)));
        // x86 compares the low 32 bits: the second condition is "a2 >= 0x10" there.
        Assert.Equal(Denied, BpfInterpreter.Run(p, SeccompData.Of(I386, I386Getpid, 0, 0, 0x10)));
        Assert.Equal(Allowed, BpfInterpreter.Run(p, SeccompData.Of(I386, I386Getpid, 0, 0, 7)));
        Assert.Equal(Allowed, Verdict(p, 0, 0, 0x10));
        Assert.Equal(Denied, Verdict(p, 0, 0, 0x1_0000_0010));
    }

    [Fact]
    public void ASplitOffConditionThatAlwaysHolds_MakesTheRuleUnconditional()
    {
        // MASKED_EQ with mask 0 always holds; alone in its rule, that rule matches every getpid
        // (libseccomp drops such a condition, and runc adds it as a rule of its own).
        SockFilter[] p = Deny(Arg(0, "SCMP_CMP_EQ", 1), Arg(0, "SCMP_CMP_MASKED_EQ", 0, 5));
        Assert.Equal(Denied, Verdict(p, 7));
        SockFilter[] anded = Deny(Arg(0, "SCMP_CMP_EQ", 1), Arg(1, "SCMP_CMP_MASKED_EQ", 0, 5));
        Assert.Equal(Allowed, Verdict(anded, 7));
    }

    [Fact]
    public void LibseccompDrivenAsRuncAgrees()
    {
        Assert.True(LibSeccomp.Available, "libseccomp.so.2 is needed (apt-get install libseccomp2)");
        var spec = new LinuxSeccomp
        {
            DefaultAction = "SCMP_ACT_ALLOW",
            Syscalls = new() { new() { Names = new() { "getpid" }, Action = "SCMP_ACT_ERRNO", ErrnoRet = 13,
                Args = new() { Arg(0, "SCMP_CMP_EQ", 1), Arg(1, "SCMP_CMP_GT", 100), Arg(0, "SCMP_CMP_EQ", 2) } } },
        };
        SockFilter[] ours = SeccompCompiler.Compile(spec).Instructions, theirs = LibSeccomp.Compile(spec);
        foreach (ulong[] args in new[] { new ulong[] { 1, 0 }, new ulong[] { 2, 0 }, new ulong[] { 9, 101 }, new ulong[] { 9, 100 }, new ulong[] { 3, 3 } })
            Assert.Equal(BpfInterpreter.Run(theirs, SeccompData.Of(X64, Getpid, args)), Verdict(ours, args));
    }
}
