namespace OciRuntime.Conformance;

/// <summary>
/// Runs one conformance/vm/*-suite.sh (a whole qemu guest boot; each check prints PASS/FAIL/SKIP
/// and the last line "N passed, N failed") with the runtime under test, and asserts every check
/// passed and that at least <c>minChecks</c> ran, so a suite that stops early cannot look green.
/// With $OCI_VM_RESULTS_DIR set (scripts/run-tests.sh), it also records the checks and its verdict
/// in &lt;dir&gt;/&lt;suite&gt;.checks, so the totals count each check instead of this one test
/// (scripts/vm-checks.sh, docs/vm-harness.md "Counting the checks").
/// </summary>
public static class VmSuite
{
    public static void AssertAllPass(string script, TimeSpan timeout, int minChecks)
    {
        TestEnv.RequireRoot();
        string suite = Path.Combine(TestEnv.RepoRoot, "conformance", "vm", script);
        CliResult? r = null;
        string stdout;
        var started = DateTime.UtcNow;
        try
        {
            r = ProcessRunner.Run(suite, [], RunOptions.Default with
            {
                Timeout = timeout,
                Env = new Dictionary<string, string> { ["OCI_RUNTIME"] = TestEnv.Runtime },
                // The guest sees the host's / read-only; a cwd under the host's /tmp would not exist there.
                WorkingDirectory = TestEnv.RepoRoot,
            });
            stdout = r.Stdout;
        }
        catch (TimeoutException e)
        {
            // The checks the guest printed before it was killed still count; the rest are failures.
            Record(script, minChecks, StdoutOf(e.Message), DateTime.UtcNow - started, $"fail: timed out after {timeout.TotalSeconds:0} s");
            throw;
        }
        string[] lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string[] failed = lines.Where(l => l.StartsWith("FAIL ", StringComparison.Ordinal)).ToArray();
        int passedCount = lines.Count(l => l.StartsWith("PASS ", StringComparison.Ordinal));
        string summary = lines.LastOrDefault(l => l.EndsWith(" failed", StringComparison.Ordinal)) ?? "(no summary line)";
        Console.WriteLine($"{script} ({TestEnv.RuntimeName}, {r.Elapsed.TotalSeconds:0} s): {summary}");
        bool complete = r.ExitCode == 0 && failed.Length == 0 && summary.EndsWith(" 0 failed", StringComparison.Ordinal);
        bool enough = passedCount >= minChecks;
        Record(script, minChecks, stdout, r.Elapsed,
            complete && enough ? "pass" : !complete ? $"fail: exit status {r.ExitCode}, {summary}" : $"fail: only {passedCount} checks passed, at least {minChecks} expected");
        Assert.True(complete, $"{script} in the VM: {summary}\n{string.Join('\n', failed)}\n\n{r.Describe()}");
        Assert.True(enough, "fewer checks ran than the suite has:\n" + stdout);
    }

    /// <summary>ProcessRunner's TimeoutException message holds what the command printed so far.</summary>
    static string StdoutOf(string timeoutMessage)
    {
        const string Start = "--- stdout ---\n", End = "\n--- stderr ---";
        int s = timeoutMessage.IndexOf(Start, StringComparison.Ordinal);
        int e = timeoutMessage.LastIndexOf(End, StringComparison.Ordinal);
        return s >= 0 && e > s ? timeoutMessage[(s + Start.Length)..e] : "";
    }

    static void Record(string script, int minChecks, string stdout, TimeSpan elapsed, string verdict) =>
        VmChecksFile.Write(script, TestEnv.RuntimeName, elapsed, minChecks, stdout, verdict);
}
