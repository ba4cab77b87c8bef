using System.Text;
using System.Text.Json.Nodes;

namespace OciRuntime.Conformance.Fuzz;

/// <summary>What one case did wrong: a class (the report groups by it) and the detail.</summary>
public sealed record FuzzFailure(string Class, string Detail)
{
    public override string ToString() => $"{Class}: {Detail}";
}

public sealed record FuzzCaseResult(string Name, int CreateExit, List<FuzzFailure> Failures, string Mutations, string Stderr, TimeSpan Elapsed);

/// <summary>
/// Runs one fuzz case against the real binary: `create` (10 s timeout), `state` if it succeeded,
/// `delete --force` (10 s), then checks exit statuses (0 or 1 only; delete --force 0), stderr (at most one
/// error line besides warnings, no .NET exception or stack trace), that a successful create left a live init in "created",
/// and that nothing is left: no process of the case (marker in environ, its cgroup, its root or cwd in
/// the case dir), no cgroup dir /sys/fs/cgroup/*/oci-fuzz/&lt;id&gt;, nothing in --root, no host mount
/// naming the case dir, nothing in the canary or elsewhere in the case dir. Then it cleans up by force.
/// </summary>
public static class FuzzRunner
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public static FuzzCaseResult Run(FuzzCaseDir c, byte[] config, string mutations)
    {
        var failures = new List<FuzzFailure>();
        var started = DateTime.UtcNow;
        string stderrAll = "";
        int createExit = -1;
        try
        {
            File.WriteAllBytes(c.ConfigPath, config);
            var env = new Dictionary<string, string> { [Processes.MarkerName] = c.Id };
            var cli = new RunOptions { Env = env, Timeout = Timeout, WorkingDirectory = c.Bundle, DetachedStdio = true };

            var create = Call(failures, "create", ["create", "--bundle", c.Bundle, c.Id], cli, c);
            if (create != null)
            {
                createExit = create.ExitCode;
                if (create.ExitCode is not (0 or 1))
                    failures.Add(new("crash", $"create exited {Describe(create.ExitCode)}"));
                if (create.ExitCode == 0)
                    CheckCreated(failures, c, cli);
                else
                {
                    create.Err.WaitEof(TimeSpan.FromSeconds(2));
                    CheckStderr(failures, "create", create.Stderr);
                }
            }

            var delete = Call(failures, "delete --force", ["delete", "--force", c.Id], cli with { DetachedStdio = false }, c);
            if (delete != null)
            {
                if (delete.ExitCode != 0)
                    failures.Add(new(delete.ExitCode is 1 ? "delete-force-failed" : "crash", $"delete --force exited {Describe(delete.ExitCode)}: {OneLine(delete.Stderr)}"));
                CheckStderr(failures, "delete --force", delete.Stderr);
            }
            if (create is { ExitCode: 0 })
            {
                // The init held create's pipes: now they must close, and what create wrote is complete.
                if (!create.Err.WaitEof(TimeSpan.FromSeconds(2)))
                    failures.Add(new("residue-process", "create's stderr pipe is still held open after delete --force"));
                CheckStderr(failures, "create", create.Stderr);
            }
            stderrAll = (create?.Stderr ?? "") + (delete?.Stderr ?? "");
            FuzzResidue.Check(failures, c);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            failures.Add(new("harness", e.Message));
        }
        finally
        {
            FuzzResidue.Clean(c);
        }
        return new FuzzCaseResult(c.Name, createExit, failures, mutations, stderrAll, DateTime.UtcNow - started);
    }

    static CliResult? Call(List<FuzzFailure> failures, string what, string[] args, RunOptions o, FuzzCaseDir c)
    {
        try
        {
            return ProcessRunner.Run(TestEnv.Runtime, ["--root", c.StateRoot, .. args], o);
        }
        catch (TimeoutException e)
        {
            int err = e.Message.IndexOf("--- stderr ---\n", StringComparison.Ordinal);
            string stderr = err < 0 ? "" : e.Message[(err + 15)..];
            failures.Add(new("hang", $"{what} did not finish within {Timeout.TotalSeconds:0} s (killed); stderr: {OneLine(stderr)}"));
            return null;
        }
    }

    /// <summary>create said 0: the container must exist, "created", with a live init (issue 11 item 7).</summary>
    static void CheckCreated(List<FuzzFailure> failures, FuzzCaseDir c, RunOptions cli)
    {
        var state = Call(failures, "state", ["state", c.Id], cli with { DetachedStdio = false }, c);
        if (state == null) return;
        if (state.ExitCode != 0)
        {
            failures.Add(new("created-but-no-state", $"create exited 0 but state exited {state.ExitCode}: {OneLine(state.Stderr)}"));
            return;
        }
        try
        {
            var s = JsonNode.Parse(state.Stdout)!.AsObject();
            string? status = (string?)s["status"];
            int pid = (int?)s["pid"] ?? 0;
            if (status != "created" || pid <= 0 || !Libc.ProcessAlive(pid))
                failures.Add(new("created-but-init-dead", $"create exited 0 but state says status={status} pid={pid} alive={pid > 0 && Libc.ProcessAlive(pid)}"));
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or FormatException or NullReferenceException)
        {
            failures.Add(new("state-invalid-json", e.Message));
        }
    }

    static void CheckStderr(List<FuzzFailure> failures, string what, string stderr)
    {
        if (stderr.Contains("Unhandled exception", StringComparison.Ordinal) || stderr.Contains("\n   at ", StringComparison.Ordinal) ||
            stderr.StartsWith("   at ", StringComparison.Ordinal) || stderr.Contains("Exception:", StringComparison.Ordinal))
            failures.Add(new("stack-trace", $"{what}: {OneLine(stderr)}"));
        else if (ErrorLines(stderr) > 1)
            failures.Add(new("multi-line-stderr", $"{what}: {ErrorLines(stderr)} error lines: {OneLine(stderr)}"));
    }

    /// <summary>Lines of stderr that are not warnings (oci-runtime's "warning: ...", runc's level=warning).</summary>
    static int ErrorLines(string stderr) =>
        stderr.Split('\n').Count(l => l.Length > 0 && !l.StartsWith("warning: ", StringComparison.Ordinal) && !l.Contains(" level=warning ", StringComparison.Ordinal));

    static string Describe(int code) => code > 128 ? $"{code} (signal {code - 128})" : code.ToString();

    /// <summary>A short, single-line rendering for the report.</summary>
    public static string OneLine(string s)
    {
        var sb = new StringBuilder();
        foreach (char ch in s.Length > 300 ? s[..300] + "…" : s)
            sb.Append(ch == '\n' ? "⏎" : char.IsControl(ch) ? $"\\x{(int)ch:x2}" : ch.ToString());
        return sb.ToString();
    }
}
