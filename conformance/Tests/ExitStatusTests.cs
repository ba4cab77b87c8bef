namespace OciRuntime.Conformance.Tests;

/// <summary>`run` passes the container's output through and returns its exit status (128+N on signal N).</summary>
public class ExitStatusTests
{
    [Fact]
    public void Run_PassesOutputThrough()
    {
        using var c = new Container("output").Configure(b => b.Args("echo", "hello", "world"));
        var r = c.Run().ShouldSucceed();
        Assert.Equal("hello world\n", r.Stdout);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(42)]
    [InlineData(255)]
    public void Run_ReturnsContainerExitStatus(int status)
    {
        using var c = new Container($"exit{status}").Configure(b => b.Sh($"echo before-exit; exit {status}"));
        var r = c.Run();
        Assert.True(r.ExitCode == status, $"expected exit status {status}\n{r.Describe()}");
        Assert.Equal("before-exit\n", r.Stdout); // the container really ran

    }

    // In a private pid namespace `sh` is the namespace's init, and the kernel ignores a SIGKILL an init
    // sends itself, so `kill -9 $$` is tested without a pid namespace (the shell is then an ordinary process).
    [Fact]
    public void Run_ProcessKillingItselfWithSigkill_Returns137()
    {
        using var c = new Container("selfkill").Configure(b => b.RemoveNamespace("pid").Sh("echo about-to-die; kill -9 $$; echo survived"));
        var r = c.Run();
        Assert.True(r.ExitCode == 137, "expected 128+SIGKILL\n" + r.Describe());
        Assert.Equal("about-to-die\n", r.Stdout);
    }

    [Fact]
    public void Run_ContainerKilledFromOutside_Returns137()
    {
        using var c = new Container("extkill").Configure(b => b.Args("sleep", "100"));
        CliResult? k = null, lastState = null;
        var killer = new Thread(() =>
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
            while (DateTime.UtcNow < deadline)
            {
                lastState = c.State();
                if (lastState.ExitCode == 0 && lastState.Stdout.Contains("\"running\"")) { k = c.Kill("KILL"); return; }
                Thread.Sleep(20);
            }
            c.Kill("KILL"); // give up, but do not leave `run` waiting for sleep 100
        });
        killer.Start();
        var r = c.Run(new RunOptions { Timeout = TimeSpan.FromSeconds(30) });
        killer.Join();
        Assert.True(k != null, "`state` never said running while `run` was in progress\nlast state call:\n" +
            lastState?.Describe() + "\nrun:\n" + r.Describe());
        k!.ShouldSucceed();
        Assert.True(r.ExitCode == 137, "expected 128+SIGKILL\n" + r.Describe());
    }

    [Fact]
    public void Run_SigtermedProcess_Returns143()
    {
        using var c = new Container("selfterm").Configure(b => b.RemoveNamespace("pid").Sh("echo about-to-die; kill -TERM $$; echo survived"));
        var r = c.Run();
        Assert.True(r.ExitCode == 143, "expected 128+SIGTERM\n" + r.Describe());
        Assert.Equal("about-to-die\n", r.Stdout);
    }
}
