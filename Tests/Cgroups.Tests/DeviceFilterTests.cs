using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using OciRuntime.Spec.Config;

namespace OciRuntime.Cgroups.Tests;

public class DeviceFilterTests
{
    private static bool Verdict(IReadOnlyList<DeviceRule> rules, char type, uint major, uint minor, DeviceAccess a) =>
        DeviceBpfInterpreter.Run(DeviceFilter.Compile(rules), type == 'b' ? DeviceFilter.DevBlock : DeviceFilter.DevChar, a, major, minor, out _);

    private static List<DeviceRule> Container(params LinuxDeviceCgroup[] spec) => DeviceRule.ForContainer(spec);

    private static LinuxDeviceCgroup Rule(bool allow, string? type, long? major, long? minor, string access) =>
        new() { Allow = allow, Type = type, Major = major, Minor = minor, Access = access };

    [Fact]
    public void DefaultContainer_DeniesAllButTheStandardDevices()
    {
        var rules = Container(Rule(false, null, null, null, "rwm"));
        Assert.True(Verdict(rules, 'c', 1, 3, DeviceAccess.Read | DeviceAccess.Write));   // /dev/null
        Assert.True(Verdict(rules, 'c', 1, 9, DeviceAccess.Read));                        // /dev/urandom
        Assert.True(Verdict(rules, 'c', 136, 7, DeviceAccess.Write));                     // /dev/pts/7
        Assert.True(Verdict(rules, 'c', 5, 2, DeviceAccess.Read));                        // /dev/ptmx
        Assert.True(Verdict(rules, 'c', 10, 200, DeviceAccess.Read));                     // /dev/net/tun
        Assert.True(Verdict(rules, 'c', 1, 1, DeviceAccess.Mknod));                       // mknod of anything
        Assert.True(Verdict(rules, 'b', 8, 0, DeviceAccess.Mknod));
        Assert.False(Verdict(rules, 'c', 1, 1, DeviceAccess.Read));                       // /dev/mem
        Assert.False(Verdict(rules, 'b', 8, 0, DeviceAccess.Read));                       // /dev/sda
        Assert.False(Verdict(rules, 'c', 5, 1, DeviceAccess.Read));                       // /dev/console is not in runc's list
        Assert.False(Verdict(rules, 'c', 1, 3, DeviceAccess.Read | DeviceAccess.Mknod | DeviceAccess.Write) == false);
    }

    [Fact]
    public void AllowAll_ThenDeny_IsABlacklist()
    {
        var rules = Container(Rule(true, "a", null, null, "rwm"), Rule(false, "c", 1, 1, "rwm"));
        Assert.True(Verdict(rules, 'b', 8, 0, DeviceAccess.Read));
        Assert.False(Verdict(rules, 'c', 1, 1, DeviceAccess.Mknod)); // even mknod: the defaults only narrow a blacklist
        Assert.False(Verdict(rules, 'c', 1, 1, DeviceAccess.Read));
        Assert.True(Verdict(rules, 'c', 1, 2, DeviceAccess.Read));
    }

    [Fact]
    public void PartialAccess_AndRemovals()
    {
        var rules = Container(Rule(false, "a", null, null, "rwm"), Rule(true, "b", 8, 0, "rw"), Rule(false, "b", 8, 0, "w"));
        Assert.True(Verdict(rules, 'b', 8, 0, DeviceAccess.Read));
        Assert.False(Verdict(rules, 'b', 8, 0, DeviceAccess.Write));
        Assert.False(Verdict(rules, 'b', 8, 0, DeviceAccess.Read | DeviceAccess.Write)); // needs both
        Assert.False(Verdict(rules, 'b', 8, 1, DeviceAccess.Read));
    }

    [Fact]
    public void PunchingAHoleInAWildcard_IsRefusedLikeRunc()
    {
        var e = Assert.Throws<CgroupException>(() => DeviceFilter.Compile(Container(Rule(false, "a", null, null, "rwm"), Rule(true, "c", 4, null, "rw"), Rule(false, "c", 4, 1, "r"))));
        Assert.Contains("punch a hole", e.Message);
    }

    [Fact]
    public void InvalidRules_AreNamed()
    {
        Assert.Contains("devices[0].access", Assert.Throws<CgroupException>(() => Container(Rule(true, "c", 1, 1, "x"))).Message);
        Assert.Contains("devices[0].access", Assert.Throws<CgroupException>(() => Container(Rule(true, "c", 1, 1, ""))).Message);
        Assert.Contains("devices[0].type", Assert.Throws<CgroupException>(() => Container(Rule(true, "p", 1, 1, "r"))).Message);
    }

    [Fact]
    public void BigMajorsCompareAs32Bit()
    {
        var rules = Container(Rule(false, "a", null, null, "rwm"), Rule(true, "c", 0xFFFF_FFF0L, 3, "r"));
        Assert.True(Verdict(rules, 'c', 0xFFFF_FFF0u, 3, DeviceAccess.Read));
        Assert.False(Verdict(rules, 'c', 0x7FFF_FFF0u, 3, DeviceAccess.Read));
    }

    private static readonly char[] Types = { 'a', 'c', 'b' };

    private static Gen<DeviceRule> RuleGen =>
        from t in Gen.Elements(Types)
        from major in Gen.Elements(-1L, 1L, 5L, 8L)
        from minor in Gen.Elements(-1L, 0L, 1L, 3L)
        from access in Gen.Choose(1, 7)
        from allow in ArbMap.Default.GeneratorFor<bool>()
        select new DeviceRule(t, major, minor, (DeviceAccess)access, allow);

    /// <summary>
    /// For random rule lists (those runc accepts) and every probe, the compiled program and the
    /// rule model agree, and the model agrees with a direct reading of v1 semantics: the last
    /// matching rule decides among the exceptions after the last 'a' reset.
    /// </summary>
    [Property(MaxTest = 300)]
    public Property Program_MatchesTheModel()
    {
        return Prop.ForAll(Gen.ListOf(RuleGen).Select(l => l.ToList()).ToArbitrary(), rules =>
        {
            DeviceRuleSet set;
            try { set = DeviceRuleSet.From(rules); }
            catch (CgroupException) { return true; } // a hole in a wildcard: refused, nothing to compare
            var prog = DeviceFilter.Compile(set);
            foreach (char t in new[] { 'c', 'b' })
                foreach (uint major in new uint[] { 1, 5, 8, 9 })
                    foreach (uint minor in new uint[] { 0, 1, 3, 4 })
                        for (int a = 1; a <= 7; a++)
                        {
                            bool model = set.Allows(t, major, minor, (DeviceAccess)a);
                            bool bpf = DeviceBpfInterpreter.Run(prog, t == 'b' ? DeviceFilter.DevBlock : DeviceFilter.DevChar, (DeviceAccess)a, major, minor, out _);
                            if (model != bpf) return false;
                            if (model != Reference(rules, t, major, minor, (DeviceAccess)a)) return false;
                        }
            return true;
        });
    }

    /// <summary>
    /// v1 semantics per single access bit: after the last 'a' rule (which sets the default), an
    /// access bit is granted by an exception whose node matches (wildcards included) — i.e. the
    /// access is allowed iff the default is allow and no deny covers it, or the default is deny
    /// and one allow covers it. For a multi-bit request one exception must cover all bits.
    /// </summary>
    private static bool Reference(List<DeviceRule> rules, char t, uint major, uint minor, DeviceAccess a)
    {
        int start = rules.FindLastIndex(r => r.Type == 'a');
        bool defAllow = start >= 0 && rules[start].Allow;
        // Replay exceptions by exact node key (as v1's list of exceptions is keyed).
        var ex = new Dictionary<(char, long, long), DeviceAccess>();
        for (int i = start + 1; i < rules.Count; i++)
        {
            var r = rules[i];
            var k = (r.Type, r.Major, r.Minor);
            ex.TryGetValue(k, out var cur);
            ex[k] = r.Allow != defAllow ? cur | r.Access : cur & ~r.Access;
        }
        foreach (var kv in ex)
        {
            if (kv.Key.Item1 != t || (kv.Value & a) != a) continue;
            if (kv.Key.Item2 != -1 && kv.Key.Item2 != major) continue;
            if (kv.Key.Item3 != -1 && kv.Key.Item3 != minor) continue;
            return !defAllow;
        }
        return defAllow;
    }

    [Fact]
    public void Program_IsSmallAndEndsInTheDefault()
    {
        var prog = DeviceFilter.Compile(Container(Rule(false, null, null, null, "rwm")));
        Assert.True(prog.Count < 80, $"{prog.Count} instructions");
        Assert.Equal(BpfInsn.Exit, prog[^1].Code);
        Assert.Equal(0, prog[^2].Imm); // default deny
        byte[] bytes = BpfInsn.ToBytes(prog);
        for (int i = 0; i < prog.Count; i++) Assert.Equal(prog[i], BpfInsn.ReadFrom(bytes.AsSpan(i * 8)));
    }
}
