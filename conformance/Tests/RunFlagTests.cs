namespace OciRuntime.Conformance.Tests;

/// <summary>`run`/`create` flags containerd's go-runc may add: --preserve-fds, --no-pivot, --no-new-keyring.</summary>
public class RunFlagTests
{
    [Fact]
    public void PreserveFds_PassesFd3Through()
    {
        using var c = new Container("preserve").Configure(b => b.Args("cat", "/proc/self/fd/3"));
        string marker = Path.Combine(c.Dir, "preserved");
        File.WriteAllText(marker, "preserved-content");
        var r = c.Run(new RunOptions { Fd3Path = marker }, "--preserve-fds", "1").ShouldSucceed();
        Assert.Equal("preserved-content", r.Stdout);
    }

    [Fact]
    public void NoPivot_StillGivesTheContainerItsOwnRoot()
    {
        using var c = new Container("nopivot").Configure(b => b.Args("sh", "-c", "ls /; cat /etc/passwd | head -1"));
        var r = c.Run(null, "--no-pivot").ShouldSucceed();
        Assert.Contains("bin", r.Stdout);
        Assert.Contains("root:x:0:0", r.Stdout);
        Assert.DoesNotContain("work", r.Stdout.Split('\n'));   // the host's /work is not visible
    }

    [Fact]
    public void NoNewKeyring_IsAccepted()
    {
        using var c = new Container("nokeyring").Configure(b => b.Args("echo", "ok"));
        Assert.Equal("ok\n", c.Run(null, "--no-new-keyring").ShouldSucceed().Stdout);
    }
}
