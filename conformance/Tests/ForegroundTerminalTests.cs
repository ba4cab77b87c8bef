namespace OciRuntime.Conformance.Tests;

/// <summary>
/// process.terminal without --console-socket in the foreground (`run`, `exec -t`), as runc: a pty
/// of the container's devpts proxied to the caller's terminal, here a real pty the test drives.
/// The caller's terminal is raw while the container runs and restored afterwards; the window
/// size is the caller's; the exit status is the process's.
/// </summary>
public class ForegroundTerminalTests
{
    private static readonly string[] Shell = ["sh"];

    [Fact]
    public void Run_GivesTheContainerAPtyOfItsOwnDevpts_WithTheCallersSize()
    {
        using var c = new Container("fgtty").Configure(b =>
        {
            b.Process["terminal"] = true;
            b.Sh("tty; stty size; echo END");
        });
        using var pty = new PtyHost(rows: 37, cols: 123);
        pty.Start(c.Cli, "run", "--bundle", c.Bundle.Dir, c.Id);
        Assert.Equal(0, pty.WaitExit());
        var lines = pty.Output.Replace("\r", "").Split('\n');
        Assert.Contains("/dev/pts/0", lines);
        Assert.Contains("37 123", lines);
        Assert.Contains("END", lines);
    }

    [Fact]
    public void Run_InteractiveShell_DrivenThroughThePty_ExitsWithItsStatus()
    {
        using var c = new Container("fgsh").Configure(b =>
        {
            b.Process["terminal"] = true;
            b.Args(Shell);
        });
        using var pty = new PtyHost();
        byte[] before = pty.Termios();
        pty.Start(c.Cli, "run", "--bundle", c.Bundle.Dir, c.Id);
        pty.WaitFor("# ");
        // While the container runs the caller's terminal is raw: no line editing, no echo of its own.
        uint lflag = PtyHost.LocalFlags(pty.Termios());
        Assert.True((lflag & (PtyHost.ICANON | PtyHost.ECHO)) == 0, $"caller's terminal not raw while proxying (c_lflag {lflag:x})");
        pty.Type("echo hi$((40+2)); exit 3\r");
        pty.WaitFor("hi42");
        Assert.Equal(3, pty.WaitExit());
        Assert.Equal(before, pty.Termios());
        Assert.Contains("does not exist", c.State().ShouldFail().Stderr);
    }

    [Fact]
    public void Run_ForwardsSignalsToTheProcess_AndRestoresTheCallersTerminal()
    {
        using var c = new Container("fgsig").Configure(b =>
        {
            b.Process["terminal"] = true;
            // pid 1 of a pid namespace ignores SIGTERM without a handler: the trap shows it arrived.
            b.Sh("trap 'echo GOT-TERM; exit 7' TERM; echo READY; while :; do sleep 0.1; done");
        });
        using var pty = new PtyHost();
        byte[] before = pty.Termios();
        pty.Start(c.Cli, "run", "--bundle", c.Bundle.Dir, c.Id);
        pty.WaitFor("READY");
        Assert.Equal(0, Libc.kill(pty.Pid, 15));
        Assert.Equal(7, pty.WaitExit());
        Assert.Contains("GOT-TERM", pty.Output);
        Assert.Equal(before, pty.Termios());
    }

    [Fact]
    public void Run_ProcessThatCannotStart_FailsAndRestoresTheCallersTerminal()
    {
        using var c = new Container("fgfail").Configure(b =>
        {
            b.Process["terminal"] = true;
            b.Args("/no/such/binary");
        });
        using var pty = new PtyHost();
        byte[] before = pty.Termios();
        pty.Start(c.Cli, "run", "--bundle", c.Bundle.Dir, c.Id);
        Assert.NotEqual(0, pty.WaitExit());
        Assert.Contains("/no/such/binary", pty.Output);
        Assert.Equal(before, pty.Termios());
        Assert.Contains("does not exist", c.State().ShouldFail().Stderr);
    }

    /// <summary>An error after the caller's terminal went raw (start fails): it is restored all the same.</summary>
    [Fact]
    public void Run_StartFailing_RestoresTheCallersTerminal()
    {
        using var c = new Container("fgstartfail").Configure(b =>
        {
            b.Process["terminal"] = true;
            b.Args("true");
            b.Config["hooks"] = new System.Text.Json.Nodes.JsonObject
            {
                ["startContainer"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject { ["path"] = "/bin/false" }),
            };
        });
        using var pty = new PtyHost();
        byte[] before = pty.Termios();
        pty.Start(c.Cli, "run", "--bundle", c.Bundle.Dir, c.Id);
        Assert.NotEqual(0, pty.WaitExit());
        Assert.Equal(before, pty.Termios());
    }

    /// <summary>Raw mode: ^C typed by the user is a byte for the container's pty (its shell interrupts its sleep), not a signal to the runtime.</summary>
    [Fact]
    public void Run_CtrlC_ReachesTheContainersForegroundJob_NotTheRuntime()
    {
        using var c = new Container("fgctrlc").Configure(b =>
        {
            b.Process["terminal"] = true;
            b.Args(Shell);
        });
        using var pty = new PtyHost();
        pty.Start(c.Cli, "run", "--bundle", c.Bundle.Dir, c.Id);
        pty.WaitFor("# ");
        // SL''EPT: the typed line echoes with the quotes, only the echo itself would print SLEPT.
        pty.Type("sleep 30; echo SL''EPT\r");
        Thread.Sleep(500);
        pty.Type("\x03");
        pty.Type("echo after-$((1+1)); exit 6\r");
        pty.WaitFor("after-2");
        Assert.Equal(6, pty.WaitExit());
        Assert.DoesNotContain("SLEPT", pty.Output);
    }

    /// <summary>Without a terminal too, the signals the runtime gets go to the process (runc forwards all but SIGCHLD, SIGWINCH, SIGURG).</summary>
    [Theory]
    [InlineData("USR1", 10)]
    [InlineData("USR2", 12)]
    [InlineData("HUP", 1)]
    public void Run_ForwardsSignals_WithoutATerminalToo(string name, int number)
    {
        using var c = new Container("fgfwd").Configure(b =>
            b.Sh($"trap 'echo GOT-{name}; exit 8' {name}; echo READY; while :; do sleep 0.1; done"));
        using var pty = new PtyHost();
        pty.Start(c.Cli, "run", "--bundle", c.Bundle.Dir, c.Id);
        pty.WaitFor("READY");
        Assert.Equal(0, Libc.kill(pty.Pid, number));
        Assert.Equal(8, pty.WaitExit());
        Assert.Contains($"GOT-{name}", pty.Output);
    }

    [Fact]
    public void Run_FollowsTheCallersWindowSize()
    {
        using var c = new Container("fgwinch").Configure(b =>
        {
            b.Process["terminal"] = true;
            b.Args(Shell);
        });
        using var pty = new PtyHost(rows: 20, cols: 70);
        pty.Start(c.Cli, "run", "--bundle", c.Bundle.Dir, c.Id);
        pty.WaitFor("# ");
        // The kernel sends SIGWINCH to the pty's foreground group, which the runtime is not in
        // (it has no controlling terminal here): deliver it as a terminal would to its session.
        pty.Resize(41, 99);
        Assert.Equal(0, Libc.kill(pty.Pid, 28));
        Thread.Sleep(300);
        pty.Type("stty size; exit 0\r");
        pty.WaitFor("41 99");
        Assert.Equal(0, pty.WaitExit());
    }

    [Fact]
    public void ExecT_IntoARunningContainer_IsInteractive()
    {
        using var c = new Container("fgexec").Configure(b => b.Args("sleep", "60"));
        c.Create().ShouldSucceed();
        c.Start().ShouldSucceed();
        using var pty = new PtyHost();
        byte[] before = pty.Termios();
        pty.Start(c.Cli, "exec", "-t", c.Id, "sh");
        pty.WaitFor("# ");
        pty.Type("tty; exit 5\r");
        pty.WaitFor("/dev/pts/0");
        Assert.Equal(5, pty.WaitExit());
        Assert.Equal(before, pty.Termios());
        Assert.Equal("running", c.Status());
    }

    /// <summary>
    /// No terminal anywhere (pipes, no controlling terminal: CI, a script): the pty is proxied to
    /// the pipes and no termios is touched. runc 1.1.5 refuses ("open /dev/tty: no such device").
    /// </summary>
    [Fact]
    public void Run_WithPipesAndNoControllingTerminal_ProxiesToThePipes()
    {
        using var c = new Container("fgpipes").Configure(b =>
        {
            b.Process["terminal"] = true;
            b.Args(Shell);
        });
        // setsid: the runtime has no controlling terminal, whatever the test runner has.
        var r = c.Run(new RunOptions { Stdin = "echo hi$((40+2)); exit 4\n", Shell = "exec setsid -w \"$@\"" });
        if (TestEnv.IsRunc)
        {
            Assert.Equal(1, r.ExitCode);
            Assert.Contains("/dev/tty", r.Stderr);
            return;
        }
        Assert.Equal(4, r.ExitCode);
        Assert.Contains("hi42", r.Stdout);
    }

    /// <summary>
    /// An exec'd process runs before its master reaches the runtime: the caller's size must be
    /// set by its plan already. runc 1.1.5 resizes only after the process started (a race it may lose).
    /// </summary>
    [Fact]
    public void ExecT_FirstInstruction_SeesTheCallersSize()
    {
        using var c = new Container("fgexecsize").Configure(b => b.Args("sleep", "60"));
        c.Create().ShouldSucceed();
        c.Start().ShouldSucceed();
        using var pty = new PtyHost(rows: 29, cols: 91);
        pty.Start(c.Cli, "exec", "-t", c.Id, "stty", "size");
        Assert.Equal(0, pty.WaitExit());
        var lines = pty.Output.Replace("\r", "").Split('\n');
        if (TestEnv.IsRunc && !lines.Contains("29 91")) return; // runc lost its race
        Assert.Contains("29 91", lines);
    }

    [Fact]
    public void RunDetached_WithTerminal_WithoutConsoleSocket_Fails()
    {
        using var c = new Container("fgdetach").Configure(b =>
        {
            b.Process["terminal"] = true;
            b.Args("sleep", "10");
        });
        var r = c.Run(null, "-d").ShouldFail();
        Assert.Contains("console", r.Stderr);
        Assert.Contains("does not exist", c.State().ShouldFail().Stderr);
    }

    /// <summary>The first thing runc's README teaches: `spec`, then `run`, then use the shell.</summary>
    [Fact]
    public void Spec_ThenRun_GivesTheDefaultInteractiveShell()
    {
        using var c = new Container("fgspec");
        string bundle = Path.Combine(c.Dir, "readme-bundle");
        Directory.CreateDirectory(bundle);
        // As the README's user would have it: a rootfs dir of its own in the bundle (runc refuses a symlink).
        ProcessRunner.Run("cp", ["-a", BusyboxRootfs.Path, Path.Combine(bundle, "rootfs")]).ShouldSucceed();
        RuntimeCli.Bare("spec", "--bundle", bundle).ShouldSucceed();

        using var pty = new PtyHost();
        byte[] before = pty.Termios();
        pty.Start(c.Cli, "run", "--bundle", bundle, c.Id);
        pty.WaitFor("# ");
        pty.Type("echo README-$((6*7)); exit 0\r");
        pty.WaitFor("README-42");
        Assert.Equal(0, pty.WaitExit());
        Assert.Equal(before, pty.Termios());
    }
}
