using System.Text;
using System.Text.Json.Nodes;

namespace OciRuntime.Conformance.Tests;

/// <summary>create / start / state / kill / delete, as containerd and podman drive them.</summary>
public class LifecycleTests
{
    [Fact]
    public void PidFile_IsBareDigitsWithoutNewline_AndNamesTheContainerInit()
    {
        using var c = new Container("pidfile").Configure(b => b.Args("sleep", "100"));
        string pidFile = Path.Combine(c.Dir, "init.pid");
        c.Create(null, "--pid-file", pidFile).ShouldSucceed();

        byte[] raw = File.ReadAllBytes(pidFile);
        Assert.NotEmpty(raw);
        Assert.True(raw.All(b => b is >= (byte)'0' and <= (byte)'9'),
            $"pid file must hold bare decimal digits, no newline; got [{Encoding.ASCII.GetString(raw).Replace("\n", "\\n")}]");
        int pid = int.Parse(Encoding.ASCII.GetString(raw));
        Assert.Equal(pid, c.Pid());
        Assert.True(Libc.ProcessAlive(pid), $"pid {pid} from the pid file is not alive");
        Assert.NotEqual(TestEnv.HostNs("pid"), Libc.ReadLink($"/proc/{pid}/ns/pid"));

        c.Start().ShouldSucceed();
        // After start the same process has exec'd the container's args.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        string cmdline = "";
        while (DateTime.UtcNow < deadline && (cmdline = File.ReadAllText($"/proc/{pid}/cmdline")) != "sleep\0100\0")
            Thread.Sleep(20);
        Assert.Equal("sleep\0100\0", cmdline);
    }

    // containerd's shim reads /proc/<pid>/cgroup right after create returns.
    [Fact]
    public void Create_InitAlreadySitsInItsCgroup()
    {
        using var c = new Container("cgplace").Configure(b => b.Args("sleep", "100"));
        c.Create().ShouldSucceed();
        int pid = c.Pid();
        var lines = File.ReadAllLines($"/proc/{pid}/cgroup");
        string want = Cgroups.PathFor(c.Id);
        Assert.True(lines.Any(l => l.EndsWith(":" + want, StringComparison.Ordinal)),
            $"init {pid} is not in {want}:\n" + string.Join("\n", lines));
        Assert.Contains(pid, Cgroups.Procs(c.Id));
    }

    // ctr run --rm: create --pid-file, start, (init exits), delete, then delete --force from another process.
    [Fact]
    public void ContainerdRunRmSequence_Succeeds()
    {
        using var c = new Container("ctr-rm").Configure(b => b.Args("echo", "hi"));
        string pidFile = Path.Combine(c.Dir, "init.pid");
        var created = c.Create(null, "--pid-file", pidFile).ShouldSucceed();
        c.Start().ShouldSucceed();
        c.WaitForStatus("stopped");
        Assert.Equal("hi\n", created.WaitForOutput().Stdout);
        c.Delete().ShouldSucceed();
        c.Delete(force: true).ShouldSucceed();
        Assert.Empty(Cgroups.Dirs(c.Id));
        Assert.False(Directory.Exists(Path.Combine(c.RootDir, c.Id)));
    }

    [Fact]
    public void State_GoesCreatedRunningStopped_WithRequiredFields()
    {
        using var c = new Container("state").Configure(b => b.Args("sleep", "100"));
        c.Create().ShouldSucceed();

        var s = c.StateJson();
        Assert.Equal("created", (string?)s["status"]);
        Assert.Equal(c.Id, (string?)s["id"]);
        Assert.False(string.IsNullOrEmpty((string?)s["ociVersion"]), "state has no ociVersion: " + s.ToJsonString());
        Assert.Equal(Path.GetFullPath(c.Bundle.Dir), (string?)s["bundle"]);
        int pid = (int?)s["pid"] ?? 0;
        Assert.True(pid > 0, "state pid: " + s.ToJsonString());

        c.Start().ShouldSucceed();
        Assert.Equal("running", c.Status());
        Assert.Equal(pid, c.Pid());

        c.Kill("9").ShouldSucceed();
        c.WaitForStatus("stopped");
        var stopped = c.StateJson();
        Assert.Equal("stopped", (string?)stopped["status"]);
        Assert.Equal(c.Id, (string?)stopped["id"]);
    }

    [Fact]
    public void State_ValidatesAgainstStateSchema()
    {
        using var c = new Container("stateschema").Configure(b => b.Args("sleep", "100"));
        c.Create().ShouldSucceed();
        var (valid, errors) = SchemaValidator.Validate("state-schema.json", c.State().ShouldSucceed().Stdout);
        Assert.True(valid, "state output does not match state-schema.json:\n" + errors);
    }

    [Theory]
    [InlineData("KILL")]
    [InlineData("SIGKILL")]
    [InlineData("9")]
    public void Kill_AcceptsSignalNamesAndNumbers(string signal)
    {
        using var c = new Container("kill-" + signal).Configure(b => b.Args("sleep", "100"));
        c.Create().ShouldSucceed();
        c.Start().ShouldSucceed();
        int pid = c.Pid();
        c.Kill(signal).ShouldSucceed();
        c.WaitForStatus("stopped");
        Assert.False(Libc.ProcessAlive(pid));
    }

    [Fact]
    public void Kill_Term_ReachesAProcessThatTrapsIt()
    {
        using var c = new Container("kill-term").Configure(b => b.Sh("trap 'echo got-term; exit 3' TERM; echo ready; while :; do sleep 0.05; done"));
        var created = c.Create().ShouldSucceed();
        c.Start().ShouldSucceed();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!created.Stdout.Contains("ready") && DateTime.UtcNow < deadline) Thread.Sleep(20);
        c.Kill("TERM").ShouldSucceed();
        c.WaitForStatus("stopped");
        created.WaitForOutput();
        Assert.Equal("ready\ngot-term\n", created.Stdout);
    }

    // Without a private pid namespace killing init does not kill its children: kill --all must.
    [Fact]
    public void KillAll_KillsEveryProcessOfTheContainer()
    {
        using var c = new Container("killall").Configure(b =>
            b.RemoveNamespace("pid").Sh("sleep 1000 & sleep 1000 & echo ready; wait"));
        var created = c.Create().ShouldSucceed();
        c.Start().ShouldSucceed();
        // The processes are found by their marker (process.env), independently of the runtime's cgroups.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        HashSet<int> procs = [];
        while (DateTime.UtcNow < deadline && (procs = Processes.Marked(c.Id)).Count < 3) Thread.Sleep(20);
        Assert.True(procs.Count >= 3, $"expected init + 2 sleeps, found [{string.Join(",", procs)}]");
        Assert.True(procs.IsSubsetOf(Cgroups.Procs(c.Id)), $"processes [{string.Join(",", procs)}] are not all in the container's cgroups");

        c.Kill("KILL", all: true).ShouldSucceed();
        deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTime.UtcNow < deadline && procs.Any(Libc.ProcessAlive)) Thread.Sleep(20);
        Assert.True(!procs.Any(Libc.ProcessAlive), "still alive after kill --all: " + string.Join(",", procs.Where(Libc.ProcessAlive)));
        c.WaitForStatus("stopped");
    }

    [Fact]
    public void KillAll_OnStoppedContainer_Succeeds()
    {
        using var c = new Container("killall-stopped").Configure(b => b.Args("true"));
        c.CreateStartWait();
        c.Kill("9", all: true).ShouldSucceed();
    }

    [Fact]
    public void Kill_OnStoppedContainer_FailsWithNotRunning()
    {
        using var c = new Container("kill-stopped").Configure(b => b.Args("true"));
        c.CreateStartWait();
        var r = c.Kill("9").ShouldFail();
        Assert.Contains("not running", r.Stderr + r.Stdout);
    }

    [Fact]
    public void DeleteForce_RunningContainer_RemovesIt()
    {
        using var c = new Container("delforce").Configure(b => b.Args("sleep", "100"));
        c.Create().ShouldSucceed();
        c.Start().ShouldSucceed();
        int pid = c.Pid();
        c.Delete(force: true).ShouldSucceed();

        var s = c.State();
        Assert.Equal(1, s.ExitCode);
        Assert.Contains("does not exist", s.Stderr);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTime.UtcNow < deadline && Libc.ProcessAlive(pid)) Thread.Sleep(20);
        Assert.False(Libc.ProcessAlive(pid), $"container init {pid} survived delete --force");
        Assert.False(Directory.Exists(Path.Combine(c.RootDir, c.Id)), "state dir left in --root");
        Assert.Empty(Cgroups.Dirs(c.Id));
    }

    [Fact]
    public void DeleteForce_CreatedContainer_RemovesIt()
    {
        using var c = new Container("delforce-created").Configure(b => b.Args("sleep", "100"));
        c.Create().ShouldSucceed();
        int pid = c.Pid();
        c.Delete(force: true).ShouldSucceed();
        Assert.Contains("does not exist", c.State().ShouldFail().Stderr);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTime.UtcNow < deadline && Libc.ProcessAlive(pid)) Thread.Sleep(20);
        Assert.False(Libc.ProcessAlive(pid));
        Assert.Empty(Cgroups.Dirs(c.Id));
    }

    [Fact]
    public void Delete_StoppedContainer_RemovesIt()
    {
        using var c = new Container("del-stopped").Configure(b => b.Args("true"));
        c.CreateStartWait();
        c.Delete().ShouldSucceed();
        Assert.Contains("does not exist", c.State().ShouldFail().Stderr);
        Assert.False(Directory.Exists(Path.Combine(c.RootDir, c.Id)), "state dir left in --root");
        Assert.Empty(Cgroups.Dirs(c.Id));
    }

    [Fact]
    public void Delete_RunningContainerWithoutForce_Fails()
    {
        using var c = new Container("del-running").Configure(b => b.Args("sleep", "100"));
        c.Create().ShouldSucceed();
        c.Start().ShouldSucceed();
        c.Delete().ShouldFail();
        Assert.Equal("running", c.Status());
    }

    [Theory]
    [InlineData("delete")]
    [InlineData("state")]
    [InlineData("kill")]
    [InlineData("start")]
    public void MissingContainer_Fails_WithDoesNotExist(string command)
    {
        using var c = new Container("missing-" + command);
        var r = command == "kill" ? c.Cli.Exec("kill", c.Id, "9") : c.Cli.Exec(command, c.Id);
        Assert.True(r.ExitCode == 1, "expected exit code 1\n" + r.Describe());
        Assert.Contains("does not exist", r.Stderr);
        Assert.Equal("", r.Stdout);
    }

    [Fact]
    public void DeleteForce_MissingContainer_Succeeds()
    {
        using var c = new Container("missing-delforce");
        c.Delete(force: true).ShouldSucceed();
    }

    [Fact]
    public void Start_OfRunningOrStoppedContainer_Fails()
    {
        using var c = new Container("start-twice").Configure(b => b.Args("sleep", "100"));
        c.Create().ShouldSucceed();
        c.Start().ShouldSucceed();
        Assert.Equal("running", c.Status());
        var again = c.Start().ShouldFail();
        Assert.NotEqual("", again.Stderr);
        Assert.Equal("running", c.Status());
        c.Kill("KILL").ShouldSucceed();
        c.WaitForStatus("stopped");
        c.Start().ShouldFail();
        Assert.Equal("stopped", c.Status());
    }

    [Fact]
    public void Create_DuplicateId_Fails_AndLeavesTheFirstIntact()
    {
        using var c = new Container("dup").Configure(b => b.Args("sleep", "100"));
        c.Create().ShouldSucceed();
        int pid = c.Pid();
        c.Create().ShouldFail();
        Assert.Equal("created", c.Status());
        Assert.Equal(pid, c.Pid());
    }

    [Fact]
    public void List_ShowsContainer()
    {
        using var c = new Container("list").Configure(b => b.Args("sleep", "100"));
        c.Create().ShouldSucceed();
        var r = c.Cli.Exec("list", "--format", "json").ShouldSucceed();
        var arr = JsonNode.Parse(r.Stdout)!.AsArray();
        var mine = arr.Single(n => (string?)n?["id"] == c.Id)!;
        Assert.Equal("created", (string?)mine["status"]);
    }
}
