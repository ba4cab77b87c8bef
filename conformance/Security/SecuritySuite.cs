using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace OciRuntime.Conformance.Security;

/// <summary>
/// What the security suite needs besides the conformance fixtures: the weak build (every protection of
/// weakenings.txt switched off at compile time), the attacker binary, and the rule every attack test
/// follows: the attack must FAIL against OCI_RUNTIME and SUCCEED against the weak build (or a weakened
/// test configuration), so each test is shown able to fail. Against runc the result is recorded.
/// </summary>
public static class SecuritySuite
{
    /// <summary>build/weak/oci-runtime (`make weak`), or $OCI_WEAK_RUNTIME.</summary>
    public static string WeakRuntime
    {
        get
        {
            string? env = Environment.GetEnvironmentVariable("OCI_WEAK_RUNTIME");
            string path = string.IsNullOrEmpty(env) ? Path.Combine(TestEnv.RepoRoot, "build", "weak", "oci-runtime") : env;
            if (!File.Exists(path))
                throw new InvalidOperationException(
                    $"the weak build '{path}' does not exist: run `make weak` (the security suite shows each attack succeeds against it)");
            return path;
        }
    }

    static readonly Lazy<string> s_attacker = new(() =>
    {
        string src = Path.Combine(TestEnv.RepoRoot, "conformance", "Security", "attacker.c");
        string bin = Path.Combine(TestEnv.NewDir("security"), "attacker");
        ProcessRunner.Run("cc", ["-static", "-O2", "-Wall", "-o", bin, src]).ShouldSucceed();
        File.SetUnixFileMode(bin, (UnixFileMode)0b111_101_101);
        return bin;
    });

    /// <summary>The static attacker (conformance/Security/attacker.c), built once per run.</summary>
    /// <summary>
    /// A container of the build under test, or (<paramref name="weak"/>) of the weak build, whose id
    /// says which: for the [weak: True] cases that show a protection is needed.
    /// </summary>
    public static Container ContainerOfBuild(string tag, bool weak) =>
        new(tag + (weak ? "-weak" : ""), runtime: weak ? WeakRuntime : null);

    public static string Attacker => s_attacker.Value;

    /// <summary>
    /// A container whose rootfs is a private copy holding /attacker (root.readonly: the image's own files
    /// are never write-openable, so a write-open the attacker reports is a file that is not the image's).
    /// </summary>
    public static Container AttackContainer(string tag, string runtime, bool readOnlyRoot = true)
    {
        var c = new Container(tag, runtime: runtime);
        try
        {
            string root = HostileRootfs.UseCopy(c, readOnlyRoot);
            File.Copy(Attacker, Path.Combine(root, "attacker"));
            File.SetUnixFileMode(Path.Combine(root, "attacker"), (UnixFileMode)0b111_101_101);
            return c;
        }
        catch
        {
            c.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Gives the image the dynamic loader and libraries the runtime binary needs (`ldd`), as any
    /// glibc-based image has: then the kernel can run the runtime's own binary inside the container.
    /// </summary>
    public static void AddDynamicLoader(string rootfs, string runtime)
    {
        var ldd = ProcessRunner.Run("/usr/bin/ldd", [runtime]).ShouldSucceed();
        foreach (var line in ldd.Stdout.Split('\n'))
        {
            string? lib = line.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .FirstOrDefault(w => w.StartsWith('/'));
            if (lib == null || !File.Exists(lib)) continue;
            string dest = Path.Combine(rootfs, lib.TrimStart('/'));
            Directory.CreateDirectory(Path.GetDirectoryName(dest)!);
            if (!File.Exists(dest)) File.Copy(lib, dest);
        }
    }

    public const string CanaryName = "OCI_SECRET_CANARY";

    /// <summary>Options that put a secret in the runtime's environment: no container process may read it.</summary>
    public static RunOptions WithCanary(RunOptions? o = null) =>
        (o ?? RunOptions.Default) with { Env = new Dictionary<string, string> { [CanaryName] = "s3cr3t-" + Guid.NewGuid().ToString("N") } };

    /// <summary>Adds a capability to the bounding, effective and permitted sets.</summary>
    public static void AddCapability(Bundle b, string cap)
    {
        var caps = (b.Process["capabilities"] ??= new JsonObject()).AsObject();
        foreach (var set in new[] { "bounding", "effective", "permitted" })
        {
            var arr = (caps[set] ??= new JsonArray()).AsArray();
            if (!arr.Any(n => (string?)n == cap)) arr.Add(cap);
        }
    }

    /// <summary>Polls until text appears in the collector (the attacker's READY line).</summary>
    public static void WaitFor(StreamCollector output, string text, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (DateTime.UtcNow < deadline)
        {
            if (output.Text.Contains(text, StringComparison.Ordinal)) return;
            Thread.Sleep(10);
        }
        throw new Xunit.Sdk.XunitException($"the attacker never printed '{text}'; output so far:\n{output.Text}");
    }

    /// <summary>
    /// Runs the attack against OCI_RUNTIME and, unless that is runc, against the weak build, then asserts:
    /// blocked by OCI_RUNTIME, successful against the weak build. Against runc the outcome is recorded
    /// (test output and build/security-report.txt) and asserted only where runc 1.1.5 is not known weak.
    /// </summary>
    public static void AssertBlockedButWeakEscapes(ITestOutputHelper log, string attack, Func<string, Outcome> run,
        string? runcKnownWeakBecause = null)
    {
        var real = run(TestEnv.Runtime);
        Record(log, attack, TestEnv.RuntimeName, real);
        if (TestEnv.IsRunc)
        {
            if (real.Escaped && runcKnownWeakBecause != null)
            {
                log.WriteLine($"runc is known weak here: {runcKnownWeakBecause}");
                return;
            }
            Assert.False(real.Escaped, $"{attack}: the attack worked against {TestEnv.Runtime}:\n{real.Detail}");
            return;
        }
        var weak = run(WeakRuntime);
        Record(log, attack, "weak-build", weak);
        Assert.False(real.Escaped, $"{attack}: the attack worked against {TestEnv.Runtime}:\n{real.Detail}");
        Assert.True(weak.Escaped, $"{attack}: the attack did not work against the weak build {WeakRuntime}, so this test " +
            $"cannot show the protection is needed:\n{weak.Detail}");
    }

    /// <summary>
    /// For an attack with no known weakness to switch on (no build of ours is known to let it through):
    /// must be blocked by OCI_RUNTIME; the weak build's result is only recorded. Another test must show
    /// that the attacker's detection of this class works (named in the test's comment).
    /// </summary>
    public static void AssertBlocked(ITestOutputHelper log, string attack, Func<string, Outcome> run, string? runcKnownWeakBecause = null)
    {
        var real = run(TestEnv.Runtime);
        Record(log, attack, TestEnv.RuntimeName, real);
        if (TestEnv.IsRunc && real.Escaped && runcKnownWeakBecause != null)
        {
            log.WriteLine($"runc is known weak here: {runcKnownWeakBecause}");
            return;
        }
        if (!TestEnv.IsRunc) Record(log, attack, "weak-build", run(WeakRuntime));
        Assert.False(real.Escaped, $"{attack}: the attack worked against {TestEnv.Runtime}:\n{real.Detail}");
    }

    /// <summary>
    /// For attacks whose "weakened" side is a test configuration (the runtime does exactly what the config
    /// says): the hardened config must block, the weakened config must let the attacker see it.
    /// </summary>
    public static void AssertBlockedButWeakConfigEscapes(ITestOutputHelper log, string attack,
        Func<Outcome> hardened, Func<Outcome> weakened)
    {
        var real = hardened();
        Record(log, attack, TestEnv.RuntimeName, real);
        Assert.False(real.Escaped, $"{attack}: the attack worked against {TestEnv.Runtime}:\n{real.Detail}");
        var weak = weakened();
        Record(log, attack, TestEnv.RuntimeName + " (weakened config)", weak);
        Assert.True(weak.Escaped, $"{attack}: the attacker saw nothing with the weakened config, so this test cannot fail:\n{weak.Detail}");
    }

    static readonly object s_reportLock = new();

    static void Record(ITestOutputHelper log, string attack, string runtime, Outcome o)
    {
        string summary = $"{attack} [{runtime}]: {(o.Escaped ? "ESCAPED" : "blocked")}: {o.Summary}";
        log.WriteLine(summary);
        log.WriteLine(o.Detail);
        try
        {
            lock (s_reportLock)
            {
                string dir = Path.Combine(TestEnv.RepoRoot, "build");
                Directory.CreateDirectory(dir);
                File.AppendAllText(Path.Combine(dir, "security-report.txt"), $"{DateTime.UtcNow:O} {summary}\n");
            }
        }
        catch (IOException) { /* the report is a convenience; the test output has it too */ }
    }
}

/// <summary>What one attack did: escaped or not, a one-line summary and the full evidence.</summary>
public sealed record Outcome(bool Escaped, string Summary, string Detail)
{
    /// <summary>From the attacker's lines: escaped if any line is ESCAPE.</summary>
    public static Outcome FromAttacker(string output, string context = "")
    {
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var escapes = lines.Where(l => l.StartsWith("ESCAPE ", StringComparison.Ordinal)).ToList();
        string summary = escapes.Count > 0 ? string.Join(" | ", escapes)
            : string.Join(" | ", lines.Where(l => l.StartsWith("BLOCKED ", StringComparison.Ordinal)).Take(6));
        return new Outcome(escapes.Count > 0, summary, (context.Length > 0 ? context + "\n" : "") + output);
    }

    public static Outcome Blocked(string why, string detail) => new(false, why, detail);
    public static Outcome Escape(string what, string detail) => new(true, what, detail);
}
