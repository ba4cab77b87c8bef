using System.Text.Json.Nodes;

namespace OciRuntime.Conformance.Rootless;

/// <summary>
/// The seccomp listener fd of a rootless container's processes. The runtime copies it with
/// pidfd_getfd where it may (a NOTIFY rule on sendmsg cannot then block the hand-over), which needs
/// ptrace access: the init's image belongs to the user namespace the runtime created, but an exec'd
/// process joins the container's namespace after its image was loaded in the runtime's, where an
/// unprivileged runtime has no CAP_SYS_PTRACE. There it sends the fd with sendmsg instead, and
/// refuses a profile that notifies sendmsg. runc 1.1.5 fails every such exec with EPERM from
/// pidfd_getfd (runc is weaker: marked below).
/// </summary>
[Trait("Category", "Rootless")]
public class RootlessSeccompNotifyTests : IClassFixture<RootlessUser>
{
    readonly RootlessUser _u;

    public RootlessSeccompNotifyTests(RootlessUser user) => _u = user;

    CliResult CreateThenExec(NotifyAgent agent, string tag, params string[] notified)
    {
        string id = TestEnv.NewId(tag);
        var (dir, config) = _u.NewBundle(id, "sleep", "1000");
        config["linux"]!["seccomp"] = agent.Profile(notified);
        RootlessUser.Save(dir, config);
        try
        {
            _u.Exec(["create", "--bundle", dir, id], detachedStdio: true, timeout: TimeSpan.FromSeconds(15)).ShouldSucceed();
            _u.Exec(["start", id]).ShouldSucceed();
            return _u.Exec(["exec", id, "sh", "-c", "echo exec-ran"], timeout: TimeSpan.FromSeconds(15));
        }
        finally { _u.Exec(["delete", "--force", id]); }
    }

    [Fact]
    public void Exec_NotifyRule_ListenerGetsTheInitsAndTheExecdProcesssFds()
    {
        using var agent = new NotifyAgent().OpenToEveryone();
        var e = CreateThenExec(agent, "rl-notify", "mkdir");
        if (TestEnv.IsRunc)
        {
            // runc 1.1.5: "performing SYS_PIDFD_GETFD syscall: operation not permitted".
            Assert.Equal(255, e.ExitCode);
            Assert.Equal(1, agent.Seen().Fds);
            return;
        }
        Assert.Equal("exec-ran\n", e.ShouldSucceed().Stdout);
        Assert.Equal(2, agent.Seen().Fds);
    }

    [Fact]
    public void Exec_NotifyOnSendmsg_IsRefusedInOneLine_CreateIsNot()
    {
        using var agent = new NotifyAgent().OpenToEveryone();
        CliResult e;
        try { e = CreateThenExec(agent, "rl-notify-sendmsg", "sendmsg", "recvmsg", "read", "close"); }
        catch (TimeoutException) when (TestEnv.IsRunc) { return; }   // runc 1.1.5's exec hangs here (runc is weaker)
        Assert.Equal(255, e.ExitCode);
        Assert.Equal(1, agent.Seen().Fds);   // the init's, taken with pidfd_getfd
        Assert.DoesNotContain("exec-ran", e.Stdout);
        if (!TestEnv.IsRunc)
        {
            Assert.Single(e.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Contains("linux.seccomp.syscalls[0].names[0]: SCMP_ACT_NOTIFY on sendmsg", e.Stderr);
        }
    }
}
