using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using OciRuntime.Cgroups.Systemd;

namespace OciRuntime.Cgroups.Tests;

/// <summary>
/// The uid AUTH EXTERNAL names when the runtime runs in a user namespace (rootless podman's:
/// euid 0 there is the user on the host): /proc/self/uid_map taken from inside to the parent.
/// </summary>
public class UidMapTests
{
    /// <summary>The kernel's own format: "%10u %10u %10u\n" per line.</summary>
    private static string Kernel(params (uint Inside, uint Outside, uint Count)[] lines) =>
        string.Concat(lines.Select(l => $"{l.Inside,10} {l.Outside,10} {l.Count,10}\n"));

    [Theory]
    [InlineData(0u)]
    [InlineData(1000u)]
    [InlineData(4294967294u)]
    public void InitialNamespace_MapsEveryUidToItself(uint uid) =>
        Assert.Equal(uid, UidMap.ToParent(uid, Kernel((0, 0, 4294967295))));

    [Fact]
    public void UnshareMapRootUser_Root_IsTheUser()
    {
        string map = Kernel((0, 1742, 1));
        Assert.Equal(1742u, UidMap.ToParent(0, map));
        Assert.Null(UidMap.ToParent(1, map));
    }

    [Fact]
    public void PodmanNamespace_RootIsTheUser_OthersTheSubordinateRange()
    {
        string map = Kernel((0, 1742, 1), (1, 300000, 65536));
        Assert.Equal(1742u, UidMap.ToParent(0, map));
        Assert.Equal(300000u, UidMap.ToParent(1, map));
        Assert.Equal(300999u, UidMap.ToParent(1000, map));
        Assert.Equal(365535u, UidMap.ToParent(65536, map));
        Assert.Null(UidMap.ToParent(65537, map));
    }

    [Theory]
    [InlineData("")]
    [InlineData("0 1742\n")]
    [InlineData("x 1742 1\n")]
    [InlineData("0 -1 1\n")]
    public void Malformed_MapsNothing(string map) => Assert.Null(UidMap.ToParent(0, map));

    [Fact]
    public void ARangeThatWouldPass2Pow32InTheParent_MapsNothingThere() =>
        Assert.Null(UidMap.ToParent(10, Kernel((0, 4294967290, 100))));

    /// <summary>
    /// Random maps as the kernel accepts them (up to 340 lines of disjoint inside ranges, in any
    /// order): a uid inside a range goes to that range's outside start plus its offset; a uid in
    /// no range maps to nothing.
    /// </summary>
    [Property(MaxTest = 300)]
    public Property RandomMaps_TranslateByTheirRange()
    {
        Gen<(uint Inside, uint Outside, uint Count)[]> maps =
            from n in Gen.Choose(1, 12)
            from cuts in Gen.ArrayOf(Gen.Choose(0, 200000).Select(x => (uint)x), 2 * n)
            from outs in Gen.ArrayOf(Gen.Choose(0, int.MaxValue).Select(x => (uint)x), n)
            from order in Gen.Shuffle(Enumerable.Range(0, n).ToArray())
            let sorted = cuts.Distinct().Order().ToArray()
            let ranges = Enumerable.Range(0, sorted.Length / 2)
                .Select(i => (Inside: sorted[2 * i], Outside: outs[i], Count: sorted[2 * i + 1] - sorted[2 * i]))
                .ToArray()
            select order.Where(i => i < ranges.Length).Select(i => ranges[i]).ToArray();
        Gen<(uint Uid, (uint Inside, uint Outside, uint Count)[] Map)> cases =
            from map in maps
            from uid in Gen.OneOf(
                Gen.Choose(0, 200001).Select(x => (uint)x),
                map.Length == 0 ? Gen.Constant(0u) : Gen.Elements(map).SelectMany(r => Gen.Choose(0, (int)r.Count - 1).Select(o => r.Inside + (uint)o)))
            select (uid, map);
        return Prop.ForAll(cases.ToArbitrary(), c =>
        {
            uint? expected = null;
            foreach (var r in c.Map)
                if (c.Uid >= r.Inside && c.Uid < r.Inside + r.Count) expected = r.Outside + (c.Uid - r.Inside);
            return UidMap.ToParent(c.Uid, Kernel(c.Map)) == expected;
        });
    }
}
