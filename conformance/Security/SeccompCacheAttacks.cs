using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace OciRuntime.Conformance.Security;

/// <summary>
/// The compiled-filter cache under --root/seccomp-cache is named by XxHash128 of the profile, a
/// non-cryptographic hash: a tenant can craft a profile whose name collides with another tenant's.
/// The file therefore carries the profile's canonical text and is used only when that text matches
/// (OCI_WEAKEN_SECCOMP_CACHE_TEXT switches the comparison off). The attack is simulated by putting the
/// program of a lax profile under the strict profile's file name, as a collision would.
/// </summary>
public class SeccompCacheAttacks(ITestOutputHelper log)
{
    static JsonObject Profile(params string[] denied) => new()
    {
        ["defaultAction"] = "SCMP_ACT_ALLOW",
        ["architectures"] = new JsonArray("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"),
        ["syscalls"] = new JsonArray(new JsonObject
        {
            ["names"] = new JsonArray(denied.Select(n => (JsonNode)n!).ToArray()),
            ["action"] = "SCMP_ACT_ERRNO",
        }),
    };

    [Fact]
    public void ProgramOfAnotherProfile_UnderThisProfilesName_IsNotLoaded() =>
        SecuritySuite.AssertBlockedButWeakEscapes(log, "a lax profile's cached program under a strict profile's name", runtime =>
        {
            using var c = new Container("sec-sccache", runtime: runtime);
            c.Configure(b =>
            {
                b.Config["root"]!["readonly"] = false;
                b.AddMount("/tmp", "tmpfs", "tmpfs", "nosuid");
            });
            string cache = Path.Combine(c.RootDir, "seccomp-cache");
            string[] Files() => Directory.Exists(cache) ? Directory.GetFiles(cache, "*.bpf") : [];

            c.Configure(b => { b.Linux["seccomp"] = Profile("mkdir", "mkdirat"); b.Args("true"); });
            c.Run().ShouldSucceed();
            string[] strict = Files();
            if (strict.Length != 1) return Outcome.Blocked($"no program cache ({strict.Length} files in {cache})", "");

            c.Configure(b => { b.Linux["seccomp"] = Profile("vhangup"); b.Args("true"); });
            c.Run().ShouldSucceed();
            string? lax = Files().SingleOrDefault(f => f != strict[0]);
            if (lax is null) return Outcome.Blocked("the second profile was not cached", "");
            File.Copy(lax, strict[0], overwrite: true);   // what a crafted hash collision would leave there

            c.Configure(b => { b.Linux["seccomp"] = Profile("mkdir", "mkdirat"); b.Args("sh", "-c", "mkdir /tmp/x && echo MKDIR-ALLOWED"); });
            var r = c.Run();
            string detail = r.Describe();
            return r.Stdout.Contains("MKDIR-ALLOWED")
                ? Outcome.Escape("the strict profile's container ran with the lax profile's filter (mkdir allowed)", detail)
                : Outcome.Blocked("the strict profile was recompiled: mkdir denied", detail);
        });
}
