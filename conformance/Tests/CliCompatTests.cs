using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace OciRuntime.Conformance.Tests;

/// <summary>
/// Issue 12 item 3, runc behaviours of the CLI that callers rely on: --debug lines in --log, the
/// --log file created by every command, `ps` printing runc's table (the container's rows of
/// `ps -ef`, compared here with the host's ps(1) itself) without running ps(1), device access
/// strings as runc 1.1.5 reads them, a warning for a target cgroup that already has processes,
/// and errors for refused cgroup settings that name what the caller asked for.
/// </summary>
public class CliCompatTests
{
    private static bool HybridOciRuntime =>
        !TestEnv.IsRunc && !File.Exists("/sys/fs/cgroup/cgroup.controllers");

    /// <summary>A runtime call with extra global flags (--debug, a text --log), marked so cleanup finds its processes.</summary>
    private static CliResult Global(Container c, string[] globals, params string[] args) =>
        ProcessRunner.Run(TestEnv.Runtime, ["--root", c.RootDir, .. globals, .. args],
            RunOptions.Default with { DetachedStdio = true, Env = new Dictionary<string, string> { [Processes.MarkerName] = c.Id } });

    private static List<(string Level, string Msg)> Lines(string log, bool json)
    {
        var result = new List<(string, string)>();
        if (!File.Exists(log)) return result;
        foreach (string line in File.ReadAllLines(log).Where(l => l.Length > 0))
        {
            if (json)
            {
                var o = JsonNode.Parse(line)!.AsObject();
                result.Add(((string?)o["level"] ?? "", (string?)o["msg"] ?? ""));
                continue;
            }
            // runc adds fields after msg (func=, file=, pid=): only level and the quoted msg matter.
            var m = Regex.Match(line, "level=(\\w+) msg=\"((?:[^\"\\\\]|\\\\.)*)\"");
            Assert.True(m.Success, $"not a logrus text line: {line}");
            result.Add((m.Groups[1].Value, m.Groups[2].Value));
        }
        return result;
    }

    // --- --debug ------------------------------------------------------------------------------

    [Theory]
    [InlineData("json")]
    [InlineData("text")]
    public void Debug_WritesDebugLinesToTheLog_AndNoneWithoutIt(string format)
    {
        using var c = new Container("debug-" + format).Configure(b => b.Args("sleep", "1000"));
        string log = Path.Combine(c.Dir, "debug.log");
        string[] debug = ["--log", log, "--log-format", format, "--debug"];
        bool json = format == "json";

        c.Bundle.Save();
        Global(c, debug, "create", "--bundle", c.Bundle.Dir, c.Id).ShouldSucceed();
        var create = Lines(log, json);
        Assert.True(create.Any(l => l.Level == "debug"), "create --debug logged no debug line:\n" + File.ReadAllText(log));
        File.Delete(log);

        Global(c, debug, "start", c.Id).ShouldSucceed();
        var start = Lines(log, json);
        File.Delete(log);
        Global(c, debug, "exec", c.Id, "true").ShouldSucceed();
        var exec = Lines(log, json);
        Assert.True(exec.Any(l => l.Level == "debug"), "exec --debug logged no debug line");
        File.Delete(log);
        Global(c, debug, "delete", "--force", c.Id).ShouldSucceed();
        var delete = Lines(log, json);

        if (!TestEnv.IsRunc)
        {
            // runc 1.1.5 logs only its nsexec stages (create, exec), nothing for start or delete.
            Assert.Contains(create, l => l.Level == "debug" && l.Msg.StartsWith("container init plan: ", StringComparison.Ordinal) && l.Msg.Contains("# "));
            Assert.Contains(create, l => l.Level == "debug" && l.Msg.StartsWith($"create {c.Id}: init ", StringComparison.Ordinal));
            Assert.Contains(start, l => l.Level == "debug" && l.Msg.StartsWith($"start {c.Id}:", StringComparison.Ordinal));
            Assert.Contains(exec, l => l.Level == "debug" && l.Msg.StartsWith("exec process plan: ", StringComparison.Ordinal));
            Assert.Contains(delete, l => l.Level == "debug" && l.Msg.StartsWith($"delete {c.Id}:", StringComparison.Ordinal));
        }

        // The same lifecycle without --debug: not one debug line.
        using var quiet = new Container("nodebug-" + format).Configure(b => b.Args("sleep", "1000"));
        string qlog = Path.Combine(quiet.Dir, "quiet.log");
        string[] plain = ["--log", qlog, "--log-format", format];
        quiet.Bundle.Save();
        Global(quiet, plain, "create", "--bundle", quiet.Bundle.Dir, quiet.Id).ShouldSucceed();
        Global(quiet, plain, "start", quiet.Id).ShouldSucceed();
        Global(quiet, plain, "exec", quiet.Id, "true").ShouldSucceed();
        Global(quiet, plain, "delete", "--force", quiet.Id).ShouldSucceed();
        Assert.DoesNotContain(Lines(qlog, json), l => l.Level == "debug");
    }

    // --- the --log file -----------------------------------------------------------------------

    [Theory]
    [InlineData("list")]
    [InlineData("state")]
    [InlineData("ps")]
    public void LogFile_IsCreatedByEveryCommand_EvenWhenNothingIsLogged(string command)
    {
        TestEnv.RequireRoot();
        string dir = TestEnv.NewDir(Path.Combine("tests", TestEnv.NewId("log-created")));
        string log = Path.Combine(dir, "runtime.log");
        var cli = new RuntimeCli(Path.Combine(dir, "root"), log);
        Directory.CreateDirectory(cli.Root);
        var r = command == "list" ? cli.Exec("list") : cli.Exec(command, "no-such-container");
        Assert.True(File.Exists(log), $"{command} did not create --log {log}:\n{r.Describe()}");
        if (command == "list") Assert.Equal(0, new FileInfo(log).Length);
    }

    // --- ps -----------------------------------------------------------------------------------

    /// <summary>
    /// Three processes: the init, a shell whose command line holds a tab (ps shows '?'); a subshell
    /// exec'd as `sleep 1001`; `sleep 1003`. (The zombie `sleep 0` under `sleep 1001` has left the
    /// cgroup, so neither runtime lists it.)
    /// </summary>
    private static Container PsContainer(string tag) => new Container(tag).Configure(b =>
        b.Args("sh", "-c", "(sleep 0 & exec sleep 1001) & sleep 1003 & wait", "name\twith a tab"));

    private static HashSet<int> WaitForPids(Container c, int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        HashSet<int> pids = [];
        while (DateTime.UtcNow < deadline)
        {
            var r = c.Cli.Exec("ps", "-f", "json", c.Id).ShouldSucceed();
            pids = JsonNode.Parse(r.Stdout)!.AsArray().Select(n => (int)n!).ToHashSet();
            if (pids.Count >= count && pids.All(State('S'))) return pids;
            Thread.Sleep(50);
        }
        throw new Xunit.Sdk.XunitException($"the container did not reach {count} processes: [{string.Join(",", pids)}]");
    }

    private static Func<int, bool> State(char state) => pid =>
    {
        try { return File.ReadAllText($"/proc/{pid}/stat").Split(')')[^1].TrimStart()[0] == state; }
        catch (IOException) { return false; }
    };

    [Fact]
    public void Ps_Table_IsTheContainersRowsOfPsEf_Exactly()
    {
        using var c = PsContainer("ps-ef");
        c.Create().ShouldSucceed();
        c.Start().ShouldSucceed();
        HashSet<int> pids = WaitForPids(c, 3);

        // C (cpu percent over the process's life) still falls while the processes are young: ps(1)
        // runs between two of our calls, and once those agree it saw the same values.
        string ours = "", again = "";
        List<string> expected = [];
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        do
        {
            ours = c.Cli.Exec("ps", c.Id).ShouldSucceed().Stdout;
            // What runc prints: ps(1)'s header and the lines whose PID column is one of the container's.
            string[] psLines = ProcessRunner.Run("ps", ["-ef"]).ShouldSucceed().Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            expected = [psLines[0], .. psLines.Skip(1).Where(l => pids.Contains(int.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1])))];
            again = c.Cli.Exec("ps", c.Id).ShouldSucceed().Stdout;
            if (ours != again) Thread.Sleep(200);
        } while (ours != again && DateTime.UtcNow < deadline);
        Assert.Equal(string.Join('\n', expected) + "\n", ours);
        Assert.Contains(expected, l => l.EndsWith("wait name?with a tab", StringComparison.Ordinal));
        Assert.Contains(c.Pid().ToString(), ours);

        // runc's default argument, given explicitly, prints the same table.
        string before = c.Cli.Exec("ps", c.Id).ShouldSucceed().Stdout;
        string ef = c.Cli.Exec("ps", c.Id, "-ef").ShouldSucceed().Stdout;
        string after = c.Cli.Exec("ps", c.Id).ShouldSucceed().Stdout;
        Assert.True(ef == before || ef == after, $"ps ID -ef:\n{ef}\nps ID:\n{after}");
    }

    [Fact]
    public void Ps_Json_IsTheArrayOfPids_AndOtherPsOptions_AreRefusedNatively()
    {
        using var c = PsContainer("ps-opts");
        c.Create().ShouldSucceed();
        c.Start().ShouldSucceed();
        HashSet<int> pids = WaitForPids(c, 3);
        string json = c.Cli.Exec("ps", "--format", "json", c.Id).ShouldSucceed().Stdout;
        Assert.Matches("^\\[\\d+(,\\d+)*\\]\n$", json);
        Assert.True(pids.SetEquals(JsonNode.Parse(json)!.AsArray().Select(n => (int)n!)));

        var r = c.Cli.Exec("ps", c.Id, "-o", "pid,comm");
        if (TestEnv.IsRunc)
        {
            // runc hands them to ps(1); this runtime never runs another program.
            r.ShouldSucceed();
            return;
        }
        r.ShouldFail();
        Assert.Contains("-o pid,comm", r.Stderr);
        Assert.Contains("not supported", r.Stderr);
        Assert.Contains("does not run ps(1)", r.Stderr);
    }

    [Fact]
    public void Ps_NeverRunsPs1()
    {
        if (TestEnv.IsRunc) return; // runc's ps is ps(1)
        using var c = PsContainer("ps-noexec");
        c.Create().ShouldSucceed();
        c.Start().ShouldSucceed();
        WaitForPids(c, 3);
        // A PATH whose only ps records that it ran and fails.
        string bin = Path.Combine(c.Dir, "fakebin");
        Directory.CreateDirectory(bin);
        string marker = Path.Combine(c.Dir, "ps-ran");
        File.WriteAllText(Path.Combine(bin, "ps"), $"#!/bin/sh\ntouch {marker}\nexit 1\n");
        File.SetUnixFileMode(Path.Combine(bin, "ps"), (UnixFileMode)0b111_101_101);
        var r = c.Cli.Exec(["ps", c.Id], RunOptions.Default with { Env = new Dictionary<string, string> { ["PATH"] = bin } }).ShouldSucceed();
        Assert.StartsWith("UID ", r.Stdout);
        Assert.False(File.Exists(marker), "ps ran ps(1)");
    }

    // --- devices access -----------------------------------------------------------------------

    [Theory]
    [InlineData("mwr")]
    [InlineData("rrw")]
    [InlineData("rwmrwm")]
    [InlineData("wrx")]   // runc 1.1.5 ignores characters other than r, w, m
    [InlineData("rw ")]
    public void DeviceAccess_StringsRuncAccepts_AreAccepted_AndMeanTheirRwm(string access)
    {
        // /dev/kmsg (1:11) is not in runc's default list: only this rule can allow reading it.
        using var c = new Container("dev-access", withLog: true).Configure(b =>
        {
            var caps = b.Process["capabilities"]!.AsObject();
            foreach (var set in new[] { "bounding", "effective", "permitted" })
            {
                caps[set]!.AsArray().Add("CAP_MKNOD");
                caps[set]!.AsArray().Add("CAP_SYSLOG");
            }
            b.Linux["resources"] = new JsonObject
            {
                ["devices"] = new JsonArray(new JsonObject { ["allow"] = true, ["type"] = "c", ["major"] = 1, ["minor"] = 11, ["access"] = access }),
            };
            b.Sh("mknod /dev/cg-kmsg c 1 11 && (: < /dev/cg-kmsg) 2>/dev/null && echo read-ok || echo read-denied");
        });
        var r = c.Run().ShouldSucceed();
        Assert.Equal("read-ok\n", r.Stdout);
        if (!TestEnv.IsRunc && access.Any(ch => ch is not ('r' or 'w' or 'm')))
            Assert.Contains("ignoring", File.ReadAllText(c.LogFile!));
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    public void DeviceAccess_Empty_IsRefused_AsRuncDoes(string? access)
    {
        using var c = new Container("dev-noaccess").Configure(b =>
        {
            var rule = new JsonObject { ["allow"] = true, ["type"] = "c", ["major"] = 1, ["minor"] = 11 };
            if (access != null) rule["access"] = access;
            b.Linux["resources"] = new JsonObject { ["devices"] = new JsonArray(rule) };
            b.Args("true");
        });
        var r = c.Create().ShouldFail();
        Assert.Contains("access", r.Stderr);
        Assert.Contains("empty", r.Stderr);
    }

    // --- a target cgroup that already has processes ---------------------------------------------

    [Fact]
    public void Create_InACgroupWithProcesses_Warns_AndAFailedCreateLeavesThemAlone()
    {
        using var first = new Container("cg-first").Configure(b => b.Args("sleep", "1000"));
        first.Create().ShouldSucceed();
        first.Start().ShouldSucceed();
        int firstPid = first.Pid();

        using var second = new Container("cg-second", withLog: true).Configure(b =>
        {
            b.Linux["cgroupsPath"] = Cgroups.PathFor(first.Id);
            b.Args("sleep", "1000");
        });
        second.Create().ShouldSucceed();
        string log = File.ReadAllText(second.LogFile!);
        Assert.Matches("\"level\":\"warning\",\"msg\":\"container's cgroup is not empty: 1 process\\(es\\) found", log);

        // Deleting the second container (its own pid namespace) ends its processes, not the first's.
        second.Start().ShouldSucceed();
        second.Delete(force: true).ShouldSucceed();
        Assert.True(Running(firstPid), $"deleting {second.Id} killed {first.Id}'s init");
        Assert.Equal("running", first.Status());

        // A create that fails after the cgroup step must not take the other container's processes with it.
        using var failing = new Container("cg-failing").Configure(b =>
        {
            b.Linux["cgroupsPath"] = Cgroups.PathFor(first.Id);
            b.Config["hooks"] = JsonNode.Parse("""{"createRuntime": [{"path": "/bin/false"}]}""");
            b.Args("true");
        });
        failing.Create().ShouldFail();
        Assert.True(Running(firstPid), $"a failed create in its cgroup killed {first.Id}'s init");
        Assert.Equal("running", first.Status());
    }

    /// <summary>Alive and not a zombie (a killed init stays a zombie until the host's pid 1 reaps it).</summary>
    private static bool Running(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/stat").Split(')')[^1].TrimStart()[0] != 'Z'; }
        catch (IOException) { return false; }
    }

    // --- refused cgroup settings ----------------------------------------------------------------

    [Fact]
    public void Update_MemoryLimitWithSwap_OnAHybridHost_NamesTheLimit()
    {
        using var c = new Container("cg-upd-mem").Configure(b => b.Args("sleep", "1000"));
        c.Create().ShouldSucceed();
        c.Start().ShouldSucceed();
        // What containerd's update sends: the limit and, with it, memory+swap.
        string resources = """{"memory": {"limit": 268435456, "swap": 268435456}}""";
        var r = c.Cli.Exec(["update", "--resources", "-", c.Id], RunOptions.Default with { Stdin = resources });
        if (!HybridOciRuntime)
        {
            r.ShouldSucceed(); // runc applies it through cgroup v1 here; a pure v2 host has memory in v2
            return;
        }
        r.ShouldFail();
        Assert.StartsWith("linux.resources.memory.limit", r.Stderr);
        Assert.Contains("memory controller is not available", r.Stderr);
        Assert.Equal("running", c.Status());
    }

    [Fact]
    public void WeightDevice_WithoutTheIoController_SaysSo_NotBfq()
    {
        using var c = new Container("cg-wdev", withLog: true).Configure(b =>
        {
            b.Linux["resources"] = JsonNode.Parse("""{"blockIO": {"weightDevice": [{"major": 8, "minor": 0, "weight": 500}]}}""");
            b.Args("true");
        });
        var r = c.Create();
        // runc applies it through v1 blkio, whose outcome depends on this host's block devices.
        if (!HybridOciRuntime) return;
        string said = r.ExitCode == 0 ? File.ReadAllText(c.LogFile!) : r.Stderr;
        Assert.Contains("linux.resources.blockIO.weightDevice", said);
        // Since weights became soft on hybrid hosts (SoftWeights) this is a warning, not a refusal:
        // either way it must name the io controller, not BFQ.
        Assert.Contains("io controller", said);
        Assert.DoesNotContain("BFQ", said);
    }
}
