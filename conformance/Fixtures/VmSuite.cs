namespace OciRuntime.Conformance;

/// <summary>
/// Runs one conformance/vm/*-suite.sh (a whole qemu guest boot; each check prints PASS/FAIL and the
/// last line "N passed, N failed") with the runtime under test, and asserts every check passed and
/// that at least <c>minChecks</c> ran, so a suite that stops early cannot look green.
/// </summary>
public static class VmSuite
{
    public static void AssertAllPass(string script, TimeSpan timeout, int minChecks)
    {
        TestEnv.RequireRoot();
        string suite = Path.Combine(TestEnv.RepoRoot, "conformance", "vm", script);
        var r = ProcessRunner.Run(suite, [], RunOptions.Default with
        {
            Timeout = timeout,
            Env = new Dictionary<string, string> { ["OCI_RUNTIME"] = TestEnv.Runtime },
            // The guest sees the host's / read-only; a cwd under the host's /tmp would not exist there.
            WorkingDirectory = TestEnv.RepoRoot,
        });
        string[] lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string[] failed = lines.Where(l => l.StartsWith("FAIL ", StringComparison.Ordinal)).ToArray();
        string summary = lines.LastOrDefault(l => l.EndsWith(" failed", StringComparison.Ordinal)) ?? "(no summary line)";
        Console.WriteLine($"{script} ({TestEnv.RuntimeName}, {r.Elapsed.TotalSeconds:0} s): {summary}");
        Assert.True(r.ExitCode == 0 && failed.Length == 0 && summary.EndsWith(" 0 failed", StringComparison.Ordinal),
            $"{script} in the VM: {summary}\n{string.Join('\n', failed)}\n\n{r.Describe()}");
        Assert.True(lines.Count(l => l.StartsWith("PASS ", StringComparison.Ordinal)) >= minChecks, "fewer checks ran than the suite has:\n" + r.Stdout);
    }
}
