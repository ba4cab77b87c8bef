using System.Text;
using System.Text.Json.Nodes;

namespace OciRuntime.Conformance.Tests;

/// <summary>`exec`, as containerd's shim (`task exec`) and conmon call it. Green with runc 1.1.5.</summary>
public class ExecTests
{
    static Container Running(string tag)
    {
        var c = new Container(tag).Configure(b => b.Args("sleep", "1000"));
        c.Create().ShouldSucceed();
        c.Start().ShouldSucceed();
        return c;
    }

    [Fact]
    public void Exec_ReturnsTheProcessExitStatus_AndItsOutput()
    {
        using var c = Running("exec-status");
        var r = c.Cli.Exec("exec", c.Id, "sh", "-c", "echo out; echo err >&2; exit 7");
        Assert.Equal(7, r.ExitCode);
        Assert.Equal("out\n", r.Stdout);
        Assert.Contains("err", r.Stderr);
    }

    [Fact]
    public void Exec_GetsTheContainersOomScoreAdj_NotTheCallers()
    {
        // kubelet's exec probes run under the shim; runc gives exec'd processes process.oomScoreAdj.
        using var c = new Container("exec-oom").Configure(b => { b.Args("sleep", "1000"); b.Process["oomScoreAdj"] = 321; });
        c.Create().ShouldSucceed();
        c.Start().ShouldSucceed();
        var r = c.Cli.Exec("exec", c.Id, "cat", "/proc/self/oom_score_adj").ShouldSucceed();
        Assert.Equal("321", r.Stdout.Trim());
    }

    [Fact]
    public void Exec_JoinsEveryNamespaceOfTheContainer_AndItsCgroup()
    {
        using var c = Running("exec-ns");
        int init = c.Pid();
        var r = c.Cli.Exec("exec", c.Id, "sh", "-c",
            "for n in pid mnt net ipc uts cgroup; do readlink /proc/self/ns/$n; done; cat /proc/self/cgroup").ShouldSucceed();
        var lines = r.Stdout.Trim().Split('\n');
        string[] types = { "pid", "mnt", "net", "ipc", "uts", "cgroup" };
        for (int i = 0; i < types.Length; i++)
            Assert.Equal(Libc.ReadLink($"/proc/{init}/ns/{types[i]}"), lines[i]);
        // Inside a cgroup namespace the container's own cgroup reads as "/".
        Assert.Contains(lines.Skip(types.Length), l => l.StartsWith("0::/", StringComparison.Ordinal));
    }

    [Fact]
    public void Exec_FlagsSetEnvCwdAndUser()
    {
        using var c = Running("exec-flags");
        var r = c.Cli.Exec("exec", "-e", "FOO=bar", "--cwd", "/tmp", "-u", "1000:1000", c.Id,
            "sh", "-c", "echo $FOO; pwd; id -u; id -g").ShouldSucceed();
        Assert.Equal("bar\n/tmp\n1000\n1000\n", r.Stdout);
    }

    [Fact]
    public void Exec_ProcessFile_IsUsedWhole()
    {
        using var c = Running("exec-procfile");
        string file = Path.Combine(c.Dir, "process.json");
        var process = new JsonObject
        {
            ["terminal"] = false,
            ["user"] = new JsonObject { ["uid"] = 0, ["gid"] = 0 },
            ["args"] = new JsonArray("sh", "-c", "echo from-process-file $X; pwd"),
            ["env"] = new JsonArray("PATH=/bin:/usr/bin", "X=42"),
            ["cwd"] = "/etc",
        };
        File.WriteAllText(file, process.ToJsonString());
        var r = c.Cli.Exec("exec", "--process", file, c.Id).ShouldSucceed();
        Assert.Equal("from-process-file 42\n/etc\n", r.Stdout);
    }

    [Fact]
    public void ExecDetached_WritesABareDigitsPidFile()
    {
        using var c = Running("exec-detach");
        string pidFile = Path.Combine(c.Dir, "exec.pid");
        c.Cli.Exec(["exec", "-d", "--pid-file", pidFile, c.Id, "sleep", "100"], RunOptions.Default with { DetachedStdio = true }).ShouldSucceed();
        byte[] raw = File.ReadAllBytes(pidFile);
        Assert.True(raw.Length > 0 && raw.All(b => b is >= (byte)'0' and <= (byte)'9'), "pid file: " + Encoding.ASCII.GetString(raw));
        int pid = int.Parse(Encoding.ASCII.GetString(raw));
        Assert.True(Libc.ProcessAlive(pid));
        Assert.Equal(Libc.ReadLink($"/proc/{c.Pid()}/ns/pid"), Libc.ReadLink($"/proc/{pid}/ns/pid"));
    }

    [Fact]
    public void Exec_HelpAfterTheCommand_GoesToTheCommand()
    {
        // Flags are read up to the first positional (runc's CLI library): this --help is echo's.
        using var c = Running("exec-help-arg");
        var r = c.Cli.Exec("exec", c.Id, "echo", "--help").ShouldSucceed();
        Assert.Equal("--help\n", r.Stdout);
    }

    [Fact]
    public void Exec_OfAnUnknownId_Fails255()
    {
        using var c = new Container("exec-unknown");
        var r = c.Cli.Exec("exec", c.Id, "true");
        Assert.Equal(255, r.ExitCode);
        Assert.Contains("does not exist", r.Stderr + r.Stdout);
    }

    [Fact]
    public void Exec_WithAnUnwritablePidFile_Fails255_AndLeavesNoProcess()
    {
        using var c = Running("exec-pidfile");
        string bad = Path.Combine(c.Dir, "no-such-dir", "pid");
        var r = c.Cli.Exec("exec", "-d", "--pid-file", bad, c.Id, "sleep", "731");
        Assert.Equal(255, r.ExitCode);
        Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Thread.Sleep(100);
        var left = Cgroups.Procs(c.Id).Where(p =>
        {
            try { return File.ReadAllText($"/proc/{p}/cmdline") == "sleep\0731\0"; } catch (IOException) { return false; }
        });
        if (!TestEnv.IsRunc) Assert.Empty(left);
    }

    [Fact]
    public void Exec_InStoppedContainer_Fails255()
    {
        using var c = new Container("exec-stopped").Configure(b => b.Args("true"));
        c.Create().ShouldSucceed();
        c.Start().ShouldSucceed();
        c.WaitForStatus("stopped");
        var r = c.Cli.Exec("exec", c.Id, "true");
        Assert.Equal(255, r.ExitCode);
        Assert.Contains("cannot exec in a stopped container", r.Stderr + r.Stdout);
    }

    [Fact]
    public void Exec_MissingBinary_FailsWithRuncsPhrase()
    {
        using var c = Running("exec-missing");
        var r = c.Cli.Exec("exec", c.Id, "no-such-binary");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("executable file not found in $PATH", r.Stderr + r.Stdout);
    }

    [Fact]
    public void ExecTty_SendsAPtyMasterToTheConsoleSocket()
    {
        using var c = Running("exec-tty");
        using var receiver = new ConsoleSocketReceiver(Path.Combine(c.Dir, "exec-console.sock"));
        var exec = c.Cli.Exec(["exec", "-t", "-d", "--console-socket", receiver.Path, c.Id, "sh", "-c", "tty; echo END"],
            RunOptions.Default with { DetachedStdio = true });
        exec.ShouldSucceed();
        var msg = receiver.Receive(TimeSpan.FromSeconds(5));
        try
        {
            Assert.Equal("/dev/ptmx", msg.Text);
            Assert.Single(msg.Fds);
            string output = ConsoleSocketTests.ReadPty(msg.Fds[0], "END", TimeSpan.FromSeconds(10));
            Assert.StartsWith("/dev/pts/", output.Replace("\r", "").Split('\n')[0]);
        }
        finally
        {
            foreach (var fd in msg.Fds) Libc.close(fd);
        }
    }
}
