using System.Text.Json.Nodes;
using OciRuntime.Conformance.Security;

namespace OciRuntime.Conformance.Tests;

/// <summary>
/// A SCMP_ACT_NOTIFY profile on the syscalls the runtime's own child uses to hand its listener fd
/// over (sendmsg, recvmsg, read, close). Until the runtime holds the fd nobody can answer a
/// notification, so a child that sent the fd with sendmsg(SCM_RIGHTS) blocked on its own filter and
/// create (or exec) hung. As runc 1.1.5: the child writes the fd's number on the sync socket and the
/// runtime copies the fd with pidfd_getfd; only write stays refused (it carries the number).
/// The weak build (OCI_WEAKEN_NOTIFY_SENDMSG) sends the fd with sendmsg again and must hang.
/// </summary>
public class SeccompHandoverTests
{
    static readonly string[] HandoverSyscalls = ["sendmsg", "recvmsg", "read", "close"];
    static readonly TimeSpan Bounded = TimeSpan.FromSeconds(15);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Create_NotifyOnTheHandoverSyscalls_DoesNotHang(bool weak)
    {
        if (weak && TestEnv.IsRunc) return; // the weak build is ours
        using var agent = new NotifyAgent();
        using var c = SecuritySuite.ContainerOfBuild("sc-handover", weak);
        c.Configure(b =>
        {
            b.Linux["seccomp"] = agent.Profile(HandoverSyscalls);
            b.Sh("echo ran");
        });
        if (weak)
        {
            // A create still running at the bound is killed with its child (TimeoutException). A
            // shorter bound than the others: it is always reached, and a create takes < 1 s here.
            var hung = Assert.Throws<TimeoutException>(() => c.Create(new RunOptions { Timeout = TimeSpan.FromSeconds(6) }));
            Assert.Contains("did not finish", hung.Message);
            return;
        }
        var created = c.Create(new RunOptions { Timeout = Bounded }).ShouldSucceed();
        c.Start().ShouldSucceed();
        c.WaitForStatus("stopped", Bounded);
        Assert.Equal("ran\n", created.WaitForOutput(Bounded).Stdout);
        var (fds, notifications) = agent.Seen();
        Assert.Equal(1, fds);
        // The container's own reads and closes went through the agent: the filter was in force.
        Assert.True(notifications > 0, "the agent saw no notification: the NOTIFY rules were not in force");
    }

    [Fact]
    public void Exec_NotifyOnTheHandoverSyscalls_DoesNotHang()
    {
        // Each exec'd process loads the filter again and hands over its own listener fd the same
        // way (the weak build already hangs at create, shown above: both use the same plan step).
        using var agent = new NotifyAgent();
        using var c = new Container("sc-handover-exec");
        c.Configure(b =>
        {
            b.Linux["seccomp"] = agent.Profile(HandoverSyscalls);
            b.Args("sleep", "1000");
        });
        c.Create(new RunOptions { Timeout = Bounded }).ShouldSucceed();
        c.Start().ShouldSucceed();
        var exec = c.Cli.Exec(["exec", c.Id, "sh", "-c", "echo exec-ran"], new RunOptions { Timeout = Bounded });
        Assert.Equal("exec-ran\n", exec.ShouldSucceed().Stdout);
        Assert.Equal(2, agent.Seen().Fds);
    }

    [Fact]
    public void NotifyOnWrite_IsRefusedBeforeAnythingRuns()
    {
        // write carries the fd's number to the runtime: notified, it could never be answered.
        using var agent = new NotifyAgent();
        using var c = new Container("sc-notify-write");
        c.Configure(b =>
        {
            b.Linux["seccomp"] = agent.Profile("write");
            b.Sh("echo ran");
        });
        var r = c.Create(new RunOptions { Timeout = Bounded });
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("SCMP_ACT_NOTIFY cannot be used for the write syscall", r.Stderr);
        Assert.Equal(0, agent.Seen().Fds);
    }
}
