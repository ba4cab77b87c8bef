using System.Text;
using Xunit.Abstractions;

namespace OciRuntime.Conformance.Fuzz;

/// <summary>
/// Configs the fuzz suite found, kept as fixed cases so each stays fixed whatever the random seed:
/// the same run and checks as ConfigFuzzTests (FuzzRunner), sanitized the same way.
/// </summary>
public sealed class FuzzRegressionTests(ITestOutputHelper output)
{
    const string Process = "\"process\":{\"cwd\":\"/\",\"args\":[\"sleep\",\"1000\"],\"user\":{\"uid\":0,\"gid\":0}}";
    const string Mounts = "\"mounts\":[{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"}]";

    public static readonly TheoryData<string, string> Cases = new()
    {
        // A lone surrogate escape in a value of the wrong type: describing the type error threw
        // InvalidOperationException, create aborted with 134 and a stack trace.
        // (@@LONE@@ becomes the escape after serialization: System.Text.Json cannot hold it either.)
        { "lone-surrogate", "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"rootfs\"},\"process\":{\"cwd\":\"/\",\"args\":[\"true\"],\"user\":{\"uid\":\"@@LONE@@\",\"gid\":0}}}" },
        // The spec's minimal-for-start.json: no /proc mount; the init dies, yet create said 0.
        { "no-proc-mount", "{\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"rootfs\"}," + Process + "}" },
        // Every syscall of the init fails with EPERM: create must fail (or succeed with a live init), not hang.
        { "seccomp-errno-everything", "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"rootfs\"}," + Process + "," + Mounts +
            ",\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ERRNO\"}}}" },
        // 1600 overlapping uid mappings: one error line, quickly (not one line per overlapping pair, for minutes).
        { "many-overlapping-idmaps", "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"rootfs\"}," + Process + "," + Mounts +
            ",\"linux\":{\"namespaces\":[{\"type\":\"user\"}],\"uidMappings\":[" +
            string.Join(",", Enumerable.Repeat("{\"containerID\":0,\"hostID\":100000,\"size\":65536}", 1600)) +
            "],\"gidMappings\":[{\"containerID\":0,\"hostID\":100000,\"size\":65536}]}}" },
        // Two problems in one config: still one line of error.
        { "two-errors-one-line", "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"rootfs\"},\"process\":{\"user\":{\"uid\":0,\"gid\":0}}}" },
    };

    /// <summary>Where runc 1.1.5 is weaker, and how: its init dies under an all-EPERM seccomp profile after
    /// create returned 0; a uid_map the kernel refuses gives three `level=fatal` lines from nsexec.</summary>
    static readonly Dictionary<string, string> RuncIsWeaker = new()
    {
        ["seccomp-errno-everything"] = "created-but-init-dead",
        ["many-overlapping-idmaps"] = "multi-line-stderr",
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void FoundByFuzzing_NoCrashHangOrResidue(string name, string json)
    {
        TestEnv.RequireRoot();
        var c = new FuzzCaseDir("reg-" + name);
        FuzzResidue.Clean(c);
        c.Create();
        var doc = new FuzzDoc(System.Text.Json.Nodes.JsonNode.Parse(json), c);
        FuzzSanitizer.Apply(doc);
        byte[] config = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(doc.Serialize()).Replace("@@LONE@@", "\\uD800"));
        var r = FuzzRunner.Run(c, config, name);
        output.WriteLine($"{name}: create exited {r.CreateExit} in {r.Elapsed.TotalMilliseconds:0} ms\n{FuzzRunner.OneLine(r.Stderr)}");
        if (TestEnv.IsRunc && RuncIsWeaker.TryGetValue(name, out var expected))
        {
            // runc 1.1.5 fails these too; the suite asserts what it does, so a change shows up.
            Assert.Contains(expected, r.Failures.Select(f => f.Class));
            return;
        }
        Assert.True(r.Failures.Count == 0,
            $"{name} against {TestEnv.Runtime}:\n{string.Join("\n", r.Failures.Select(f => FuzzRunner.OneLine(f.ToString())))}\nstderr: {FuzzRunner.OneLine(r.Stderr)}");
    }
}
