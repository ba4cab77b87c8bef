using System.Diagnostics;
using System.Text;
using OciRuntime.Spec.Config;
using OciRuntime.Spec.Defaults;
using OciRuntime.Spec.Json;
using OciRuntime.Spec.Loading;
using OciRuntime.Spec.Validation;

namespace OciRuntime.Spec.Tests;

/// <summary>
/// Issue 10 items 3 and 8: process ids outside 0..2147483647 are refused (4294967295 is
/// (uid_t)-1, which setresuid ignores: the process would stay root), while mappings may use
/// the kernel's whole range except that id; and a hostile mapping list is refused fast.
/// </summary>
public class IdRangeTests
{
    private static IReadOnlyList<SpecError> Errors(Action<OciConfig> edit)
    {
        var c = DefaultSpec.Create(false);
        edit(c);
        return ConfigValidator.Validate(c);
    }

    private static void AssertError(IReadOnlyList<SpecError> errors, string path, string fragment) =>
        Assert.True(errors.Any(e => e.Path == path && e.Message.Contains(fragment, StringComparison.Ordinal)),
            $"expected an error at {path} containing '{fragment}', got:\n  " + string.Join("\n  ", errors));

    [Theory]
    [InlineData(4294967295u)]
    [InlineData(4294967294u)]
    [InlineData(2147483648u)]
    public void ProcessUidAboveIntMaxIsRefused(uint id)
    {
        AssertError(Errors(c => c.Process!.User.Uid = id), "process.user.uid", $"invalid uid {id}: must be between 0 and 2147483647");
        AssertError(Errors(c => c.Process!.User.Gid = id), "process.user.gid", $"invalid gid {id}");
        AssertError(Errors(c => c.Process!.User.AdditionalGids = new() { 5, id }), "process.user.additionalGids[1]", $"invalid gid {id}");
    }

    [Fact]
    public void ProcessIdsUpToIntMaxAreAccepted()
    {
        Assert.Empty(Errors(c => { c.Process!.User.Uid = 2147483647; c.Process.User.Gid = 2147483647; c.Process.User.AdditionalGids = new() { 0, 2147483647 }; }));
    }

    [Fact]
    public void ExecProcessFileGetsTheSameCheck()
    {
        var p = DefaultSpec.Create(false).Process!;
        p.User.Uid = 4294967295;
        var e = Assert.Single(ConfigValidator.ValidateProcess(p, "process.json"));
        Assert.Equal("user.uid", e.Path);
        Assert.StartsWith("process.json: user.uid: invalid uid 4294967295", e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ParsedConfigWithMinusOneUidIsRefused()
    {
        string json = SpecJson.Serialize(DefaultSpec.Create(false)).Replace("\"uid\": 0", "\"uid\": 4294967295", StringComparison.Ordinal);
        Assert.Contains("4294967295", json, StringComparison.Ordinal);
        AssertError(ConfigValidator.Validate(ConfigLoader.Parse(json)), "process.user.uid", "invalid uid 4294967295");
    }

    private static OciConfig WithUserNs(List<LinuxIdMapping> uid, List<LinuxIdMapping>? gid = null)
    {
        var c = DefaultSpec.Create(false);
        c.Linux!.Namespaces!.Add(new LinuxNamespace { Type = "user" });
        c.Linux.UidMappings = uid;
        c.Linux.GidMappings = gid ?? new() { new() { ContainerId = 0, HostId = 1000, Size = 1 } };
        return c;
    }

    private static LinuxIdMapping M(uint c, uint h, uint s) => new() { ContainerId = c, HostId = h, Size = s };

    [Fact]
    public void MappingsMayUseTheWholeRangeBelowMinusOne()
    {
        // The last mappable id is 4294967294, on both sides, and ids above int.MaxValue are fine.
        Assert.Empty(ConfigValidator.Validate(WithUserNs(new() { M(0, 100000, 65536), M(4294967294, 4294967294, 1), M(2147483648, 2147483648, 1000) })));
        Assert.Empty(ConfigValidator.Validate(WithUserNs(new() { M(0, 1, 4294967294) })));
    }

    [Theory]
    [InlineData(4294967295u, 1000u, 1u, "containerID")]
    [InlineData(1000u, 4294967295u, 1u, "hostID")]
    [InlineData(0u, 1u, 4294967295u, "hostID")]
    [InlineData(1u, 0u, 4294967295u, "containerID")]
    public void MappingsThatIncludeMinusOneAreRefused(uint c, uint h, uint s, string field)
    {
        AssertError(ConfigValidator.Validate(WithUserNs(new() { M(c, h, s) })), "linux.uidMappings[0]", $"range {field}");
        AssertError(ConfigValidator.Validate(WithUserNs(new() { M(c, h, s) })), "linux.uidMappings[0]", "4294967295");
    }

    [Fact]
    public void MountIdmapsFollowTheSameRangeRule()
    {
        var c = WithUserNs(new() { M(0, 1000, 1) });
        c.Mounts![0].UidMappings = new() { M(0, 4294967295, 1) };
        c.Mounts[0].GidMappings = new() { M(0, 1, 4294967295) };
        var errors = ConfigValidator.Validate(c);
        AssertError(errors, "mounts[0].uidMappings[0]", "range hostID 4294967295 + size 1 includes 4294967295");
        AssertError(errors, "mounts[0].gidMappings[0]", "includes 4294967295");
    }

    [Fact]
    public void OverlapsAreFoundWhateverTheOrder()
    {
        var errors = ConfigValidator.Validate(WithUserNs(new() { M(100, 5000, 10), M(0, 1000, 5), M(50, 3000, 51) }));
        AssertError(errors, "linux.uidMappings[2]", "containerID range 100+10 of entry 0 overlaps 50+51");
        var hostClash = ConfigValidator.Validate(WithUserNs(new() { M(0, 1000, 5), M(10, 2000, 5), M(20, 1004, 1) }));
        AssertError(hostClash, "linux.uidMappings[2]", "hostID range 1000+5 of entry 0 overlaps 1004+1");
        Assert.Empty(ConfigValidator.Validate(WithUserNs(new() { M(10, 0, 10), M(0, 10, 10), M(20, 20, 1) })));
    }

    [Fact]
    public void MoreThanTheKernelsLineLimitIsRefused()
    {
        var list = new List<LinuxIdMapping>();
        for (uint i = 0; i < 341; i++) list.Add(M(i, 1000 + i, 1));
        var e = Assert.Single(ConfigValidator.Validate(WithUserNs(list)));
        Assert.Equal("linux.uidMappings", e.Path);
        Assert.Contains("341 mappings given: the kernel accepts at most 340", e.Message, StringComparison.Ordinal);
        list.RemoveAt(340);
        Assert.Empty(ConfigValidator.Validate(WithUserNs(list)));
    }

    /// <summary>
    /// A quadratic overlap scan takes minutes on this input (5e9 pairs); the bound leaves room for
    /// a slow, shared CI machine and still fails any O(n²) check.
    /// </summary>
    [Fact]
    public void HundredThousandMappingLinesAreRefusedInMilliseconds()
    {
        var sb = new StringBuilder();
        sb.Append("[");
        for (int i = 0; i < 100_000; i++)
        {
            if (i > 0) sb.Append(',');
            sb.Append("{\"containerID\":").Append(i).Append(",\"hostID\":").Append(100000 + i).Append(",\"size\":1}");
        }
        sb.Append("]");
        string json = SpecJson.Serialize(DefaultSpec.Create(false))
            .Replace("\"namespaces\": [", "\"uidMappings\": " + sb + ", \"gidMappings\": " + sb + ", \"namespaces\": [ {\"type\": \"user\"},", StringComparison.Ordinal);
        OciConfig c = ConfigLoader.Parse(json);
        Assert.Equal(100_000, c.Linux!.UidMappings!.Count);
        ConfigValidator.Validate(c);   // warm up the JIT so the bound measures the rules only

        var mounts = c.Mounts![0];
        mounts.UidMappings = c.Linux.UidMappings;
        mounts.GidMappings = c.Linux.GidMappings;
        var watch = Stopwatch.StartNew();
        var errors = ConfigValidator.Validate(c);
        watch.Stop();
        AssertError(errors, "linux.uidMappings", "100000 mappings given");
        AssertError(errors, "mounts[0].gidMappings", "100000 mappings given");
        Assert.True(watch.ElapsedMilliseconds < 100, $"validation of 4 x 100,000 mapping lines took {watch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public void LinearOverlapScanHandlesTheLimitQuickly()
    {
        // Exactly at the line limit, disjoint in reverse order: the sort-based scan must accept it.
        var list = new List<LinuxIdMapping>();
        for (uint i = 0; i < 340; i++) list.Add(M(10 * (339 - i), 5000 + 10 * i, 10));
        var watch = Stopwatch.StartNew();
        Assert.Empty(ConfigValidator.Validate(WithUserNs(list, list)));
        Assert.True(watch.ElapsedMilliseconds < 100, $"took {watch.ElapsedMilliseconds} ms");
    }
}
