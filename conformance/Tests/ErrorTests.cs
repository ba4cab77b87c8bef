using System.Text.Json.Nodes;

namespace OciRuntime.Conformance.Tests;

/// <summary>Failures: runc's phrases (clients match them), clean rollback, JSON error log.</summary>
public class ErrorTests
{
    // podman maps "executable file not found in" to exit 127. runc 1.1 words it
    // `exec: "x": executable file not found in $PATH`; the phrase is the same.
    const string NotFound = "executable file not found in $PATH";

    [Fact]
    public void Run_MissingBinary_FailsWithRuncPhrase()
    {
        using var c = new Container("notfound").Configure(b => b.Args("no-such-binary-xyz"));
        var r = c.Run().ShouldFail();
        Assert.Contains(NotFound, r.Stderr);
        Assert.Contains("no-such-binary-xyz", r.Stderr);
    }

    [Fact]
    public void Run_MissingAbsoluteBinary_Fails()
    {
        using var c = new Container("notfound-abs").Configure(b => b.Args("/bin/no-such-binary-xyz"));
        var r = c.Run().ShouldFail();
        Assert.Contains("no such file or directory", r.Stderr);
        Assert.Contains("/bin/no-such-binary-xyz", r.Stderr);
    }

    public static IEnumerable<object[]> FailingConfigs() =>
    [
        ["missing-binary"],
        ["bad-mount-type"],
        ["bad-rlimit"],
    ];

    static void Break(Bundle b, string how)
    {
        switch (how)
        {
            case "missing-binary":
                b.Args("no-such-binary-xyz");
                break;
            case "bad-mount-type":
                b.Args("true");
                b.AddMount("/tmp", "no-such-fs-type", "none");
                break;
            case "bad-rlimit":
                // RLIMIT_NOFILE above fs.nr_open cannot be set by anyone (EPERM even with CAP_SYS_RESOURCE).
                b.Args("true");
                long nrOpen = long.Parse(File.ReadAllText("/proc/sys/fs/nr_open").Trim());
                b.Process["rlimits"] = new JsonArray(new JsonObject { ["type"] = "RLIMIT_NOFILE", ["soft"] = nrOpen + 1024, ["hard"] = nrOpen + 1024 });
                break;
        }
    }

    // What the error must name, so that the failure is the intended one (not "create" failing for any reason).
    static string Reason(string how) => how switch
    {
        "missing-binary" => NotFound,
        "bad-mount-type" => "/tmp",
        _ => "rlimit",
    };

    [Theory]
    [MemberData(nameof(FailingConfigs))]
    public void FailedCreate_LeavesNothingBehind(string how)
    {
        using var c = new Container("failcreate-" + how).Configure(b => Break(b, how));
        var r = c.Create().ShouldFail();
        Assert.True(r.Stderr.Contains(Reason(how), StringComparison.OrdinalIgnoreCase),
            $"the error does not name the cause ('{Reason(how)}'):\n{r.Describe()}");

        Assert.False(Directory.Exists(Path.Combine(c.RootDir, c.Id)), $"state dir {c.Id} left in --root after a failed create");
        Assert.Contains("does not exist", c.State().ShouldFail().Stderr);
        Assert.True(Cgroups.Dirs(c.Id).Count == 0, "cgroup dirs left: " + string.Join(", ", Cgroups.Dirs(c.Id)));
        // No process left behind: none carries the container's marker (process.env and the runtime's
        // environment), and the create's stdout pipe reached EOF (every holder of it is gone).
        r.WaitForOutput(TimeSpan.FromSeconds(5));
        var strays = Processes.Marked(c.Id);
        Assert.True(strays.Count == 0, "processes left behind: " + string.Join(",", strays));
    }

    [Fact]
    public void Log_JsonLines_LastErrorIsTheFailure()
    {
        using var c = new Container("jsonlog", withLog: true).Configure(b => b.Args("no-such-binary-xyz"));
        c.Run().ShouldFail();
        Assert.True(File.Exists(c.LogFile), "no --log file written");
        var lines = File.ReadAllLines(c.LogFile!).Where(l => l.Trim().Length > 0).ToList();
        Assert.NotEmpty(lines);
        JsonObject? lastError = null;
        foreach (var line in lines)
        {
            JsonObject o;
            try { o = JsonNode.Parse(line)!.AsObject(); }
            catch (System.Text.Json.JsonException e) { throw new Xunit.Sdk.XunitException($"log line is not JSON ({e.Message}): {line}"); }
            foreach (var key in new[] { "level", "msg", "time" })
                Assert.True(o.ContainsKey(key), $"log line without \"{key}\": {line}");
            Assert.True(DateTimeOffset.TryParse((string?)o["time"], out _), $"time is not RFC 3339: {line}");
            if ((string?)o["level"] == "error") lastError = o;
        }
        Assert.NotNull(lastError);
        Assert.Contains(NotFound, (string?)lastError!["msg"]);
        Assert.Contains("no-such-binary-xyz", (string?)lastError["msg"]);
    }

    // podman (conmon) parses the whole --log file as ONE JSON object after a failed create.
    [Fact]
    public void Log_FailedCreate_IsExactlyOneJsonObject()
    {
        using var c = new Container("jsonlog-one", withLog: true).Configure(b => b.Args("no-such-binary-xyz"));
        c.Create().ShouldFail();
        string text = File.ReadAllText(c.LogFile!).Trim();
        var lines = text.Split('\n');
        Assert.True(lines.Length == 1, "log holds more than one line:\n" + text);
        var o = JsonNode.Parse(text)!.AsObject();
        Assert.Equal("error", (string?)o["level"]);
        Assert.Contains(NotFound, (string?)o["msg"]);
    }

    [Fact]
    public void Log_MissingContainer_ErrorInJsonLog()
    {
        using var c = new Container("jsonlog-missing", withLog: true);
        c.State().ShouldFail();
        var last = File.ReadAllLines(c.LogFile!).Where(l => l.Trim().Length > 0).Last();
        var o = JsonNode.Parse(last)!.AsObject();
        Assert.Equal("error", (string?)o["level"]);
        Assert.Contains("does not exist", (string?)o["msg"]);
    }
}
