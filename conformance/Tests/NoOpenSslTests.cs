namespace OciRuntime.Conformance.Tests;

/// <summary>
/// Issue 16: no OpenSSL in the runtime's process. A System.Security.Cryptography hash (the seccomp
/// cache key once was SHA-256) dlopens libssl and libcrypto: 2.4 ms and 3.7 MB of RSS on every
/// create, run and exec with a profile. strace shows every file the runtime opens, with podman's
/// default profile, on a cache miss and on a hit, and for exec. runc (Go) passes too.
/// </summary>
public class NoOpenSslTests
{
    static readonly string PodmanProfile = Path.Combine(TestEnv.RepoRoot, "bench", "podman-default-seccomp.json");

    [Fact]
    public void RunAndExecWithPodmansProfile_NeverOpenLibsslOrLibcrypto()
    {
        using var c = new Container("no-openssl");
        c.Configure(b =>
        {
            b.Linux["seccomp"] = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(PodmanProfile));
            b.Args("true");
        });
        string trace = Path.Combine(c.Dir, "strace");
        RunOptions Traced(string name) => RunOptions.Default with { Shell = $"exec strace -f -qq -e trace=open,openat -o {trace}.{name} \"$@\"" };

        c.Run(Traced("miss")).ShouldSucceed();
        c.Run(Traced("hit")).ShouldSucceed();
        c.Configure(b => b.Args("sleep", "100"));
        c.Create(RunOptions.Default with { DetachedStdio = true }).ShouldSucceed();
        c.Start().ShouldSucceed();
        c.Cli.Exec(["exec", c.Id, "true"], Traced("exec")).ShouldSucceed();

        foreach (string name in new[] { "miss", "hit", "exec" })
        {
            string[] lines = File.ReadAllLines($"{trace}.{name}");
            Assert.Contains(lines, l => l.Contains("openat(", StringComparison.Ordinal));   // strace saw the runtime
            var ssl = lines.Where(l => l.Contains("libssl", StringComparison.Ordinal) || l.Contains("libcrypto", StringComparison.Ordinal)).ToList();
            Assert.True(ssl.Count == 0, $"{name}: the runtime opened OpenSSL:\n{string.Join("\n", ssl)}");
        }
    }
}
