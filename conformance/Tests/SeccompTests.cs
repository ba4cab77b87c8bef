using System.Diagnostics;
using System.Text.Json.Nodes;

namespace OciRuntime.Conformance.Tests;

/// <summary>
/// config-linux.md "Seccomp", asserted from inside containers with a static syscall probe
/// bind-mounted at /probe. Green with runc 1.1.5 (same filter semantics, same ENOSYS rule).
/// </summary>
public class SeccompTests
{
    const int X86_64_mkdir = 83, X86_64_umask = 95, X86_64_getppid = 110, X86_64_vhangup = 153;

    static Container WithProbe(string tag, JsonObject seccomp, params string[] args)
    {
        var c = new Container(tag);
        c.Configure(b =>
        {
            b.AddMount("/probe", "bind", NativeTools.SyscallProbe, "bind", "ro");
            b.Linux["seccomp"] = seccomp;
            b.Args(args);
        });
        return c;
    }

    static JsonObject Profile(string defaultAction, params JsonObject[] rules) => new()
    {
        ["defaultAction"] = defaultAction,
        ["architectures"] = new JsonArray("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"),
        ["syscalls"] = new JsonArray(rules.Select(r => (JsonNode)r).ToArray()),
    };

    static JsonObject Rule(string action, string[] names, JsonArray? args = null, int? errnoRet = null)
    {
        var r = new JsonObject { ["names"] = new JsonArray(names.Select(n => (JsonNode)n!).ToArray()), ["action"] = action };
        if (args is not null) r["args"] = args;
        if (errnoRet is int e) r["errnoRet"] = e;
        return r;
    }

    [Fact]
    public void DenyRule_MkdirGetsEperm_OtherSyscallsWork()
    {
        using var c = WithProbe("sc-deny", Profile("SCMP_ACT_ALLOW", Rule("SCMP_ACT_ERRNO", ["mkdir", "mkdirat"])),
            "sh", "-c", "mkdir /tmp/x; echo rc=$?; echo still-running");
        c.Bundle.Config["root"]!["readonly"] = false;
        c.Bundle.AddMount("/tmp", "tmpfs", "tmpfs", "nosuid");
        var r = c.Run().ShouldSucceed();
        Assert.Contains("Operation not permitted", r.Stderr);
        Assert.Contains("rc=1", r.Stdout);
        Assert.Contains("still-running", r.Stdout);

        if (!TestEnv.IsRunc)
        {
            // oci-runtime caches compiled filters under --root; the next container with the same
            // profile reads the program instead of compiling it (runc has no cache).
            string cache = Path.Combine(c.RootDir, "seccomp-cache");
            Assert.True(Directory.Exists(cache) && Directory.EnumerateFiles(cache).Any(), $"no compiled filter cached in {cache}");
        }
    }

    [Fact]
    public void ArgumentCondition_OnlyMatchingCallsAreDenied()
    {
        var cond = new JsonArray(new JsonObject { ["index"] = 0, ["value"] = 511, ["op"] = "SCMP_CMP_EQ" });
        using var c = WithProbe("sc-args", Profile("SCMP_ACT_ALLOW", Rule("SCMP_ACT_ERRNO", ["umask"], cond, errnoRet: 13)),
            "sh", "-c", $"/probe {X86_64_umask} 511; /probe {X86_64_umask} 18");
        var lines = c.Run().ShouldSucceed().Stdout.Trim().Split('\n');
        Assert.Equal("ret=-1 errno=13", lines[0]);        // umask(0777): the condition holds → EACCES
        Assert.StartsWith("ret=", lines[1]);
        Assert.EndsWith("errno=0", lines[1]);             // umask(022): allowed
    }

    [Fact]
    public void RepeatedArgumentIndex_EachConditionIsARuleOfItsOwn()
    {
        // runc 1.1.5's rule: once an entry repeats an argument index, all its conditions (on every
        // index) are ORed. getppid ignores its arguments, but the filter sees what the probe passes.
        static JsonObject Eq(int index, long value, string op = "SCMP_CMP_EQ") => new() { ["index"] = index, ["value"] = value, ["op"] = op };
        var cond = new JsonArray(Eq(0, 511), Eq(1, 100, "SCMP_CMP_GT"), Eq(0, 18));
        using var c = WithProbe("sc-repeat", Profile("SCMP_ACT_ALLOW", Rule("SCMP_ACT_ERRNO", ["getppid"], cond, errnoRet: 13)),
            "sh", "-c", $"for a in '511 0' '18 0' '7 101' '7 100'; do /probe {X86_64_getppid} $a; done");
        var lines = c.Run().ShouldSucceed().Stdout.Trim().Split('\n');
        Assert.Equal(4, lines.Length);
        Assert.Equal("ret=-1 errno=13", lines[0]);   // a0 == 511 alone
        Assert.Equal("ret=-1 errno=13", lines[1]);   // a0 == 18 alone (ANDed with a0 == 511 it could never hold)
        Assert.Equal("ret=-1 errno=13", lines[2]);   // a1 > 100 alone, on another index
        Assert.EndsWith("errno=0", lines[3]);        // none holds: allowed
    }

    [Fact]
    public void KillProcess_EndsTheContainerWithSigsys()
    {
        using var c = WithProbe("sc-kill", Profile("SCMP_ACT_ALLOW", Rule("SCMP_ACT_KILL_PROCESS", ["getppid"])),
            "/probe", X86_64_getppid.ToString());
        c.Bundle.RemoveNamespace("pid");   // the probe is not pid 1, so SIGSYS is not ignored as init's would be
        var r = c.Run();
        Assert.True(r.ExitCode == 128 + 31, $"expected 159 (128+SIGSYS), got {r.ExitCode}\n{r.Describe()}");
    }

    [Fact]
    public void SyscallNewerThanTheProfile_GetsEnosys_NotTheDefaultAction()
    {
        // podman's profile with its default errno changed to EPERM: a syscall above every number
        // the profile knows must get ENOSYS (38) so libc falls back (runc's rule, docs/seccomp.md),
        // while one inside the range that the profile does not allow (vhangup) gets EPERM.
        JsonObject Profile()
        {
            var p = PodmanProfile();
            p["defaultErrnoRet"] = 1;
            return p;
        }
        using var c = WithProbe("sc-enosys", Profile(), "/probe", "1000");
        Assert.Equal("ret=-1 errno=38", c.Run().ShouldSucceed().Stdout.Trim());

        using var d = WithProbe("sc-eperm", Profile(), "/probe", X86_64_vhangup.ToString());
        Assert.Equal("ret=-1 errno=1", d.Run().ShouldSucceed().Stdout.Trim());
    }

    static JsonObject PodmanProfile()
    {
        string podmanConfig = Path.Combine(SharedData.Dir, "testdata", "podman-config.json");
        return JsonNode.Parse(File.ReadAllText(podmanConfig))!["linux"]!["seccomp"]!.DeepClone().AsObject();
    }

    [Fact]
    public void PodmansDefaultProfile_RunsBusybox()
    {
        var seccomp = PodmanProfile();
        using var c = new Container("sc-podman").Configure(b =>
        {
            b.Linux["seccomp"] = seccomp;
            b.Sh("ls /bin | head -3; ps | head -2; echo done");
        });
        var r = c.Run().ShouldSucceed();
        Assert.Contains("PID", r.Stdout);
        Assert.EndsWith("done\n", r.Stdout);
    }

    /// <summary>notify-listener on a fresh socket, serving <paramref name="connections"/> runtime connections.</summary>
    sealed class Listener : IDisposable
    {
        public readonly string Socket, OutFile;
        readonly Process _process;

        public Listener(int connections = 1)
        {
            string dir = TestEnv.NewDir("notify-" + Guid.NewGuid().ToString("N")[..8]);
            Socket = Path.Combine(dir, "listener.sock");
            OutFile = Path.Combine(dir, "listener.out");
            _process = Process.Start(NativeTools.NotifyListener, [Socket, OutFile, "18", connections.ToString()])!;
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (!File.Exists(Socket) && DateTime.UtcNow < deadline) Thread.Sleep(10);
        }

        public JsonObject Profile()
        {
            var profile = SeccompTests.Profile("SCMP_ACT_ALLOW", Rule("SCMP_ACT_NOTIFY", ["mkdir"]));
            profile["listenerPath"] = Socket;
            profile["listenerMetadata"] = "test-metadata";
            return profile;
        }

        /// <summary>Waits for the listener, then: the state JSON it received last, and the pid the kernel gave for the notification.</summary>
        public (JsonObject State, int NotifiedPid) Finish()
        {
            Assert.True(_process.WaitForExit(10_000), "listener did not finish");
            Assert.Equal(0, _process.ExitCode);
            // The state JSON (any formatting), then "nr=N" and "pid=P".
            string text = File.ReadAllText(OutFile);
            int nrAt = text.LastIndexOf("\nnr=", StringComparison.Ordinal);
            Assert.True(nrAt > 0, "listener output has no nr= line:\n" + text);
            var tail = text[(nrAt + 1)..].Trim().Split('\n');
            Assert.Equal($"nr={X86_64_mkdir}", tail[0]);
            Assert.StartsWith("pid=", tail[1]);
            return (JsonNode.Parse(text[..nrAt])!.AsObject(), int.Parse(tail[1]["pid=".Length..]));
        }

        public void Dispose()
        {
            if (!_process.HasExited) _process.Kill();
            _process.Dispose();
        }
    }

    [Fact]
    public void NotifyRule_DeliversTheFdAndStateToTheListener_WhichAnswers()
    {
        using var listener = new Listener();
        using var c = WithProbe("sc-notify", listener.Profile(), "/probe", X86_64_mkdir.ToString(), "@/x", "0");
        // The listener answers mkdir with -EXDEV (18): only it could have produced that errno.
        Assert.Equal("ret=-1 errno=18", c.Run().ShouldSucceed().Stdout.Trim());
        var (state, notified) = listener.Finish();
        Assert.Equal("seccompFd", (string?)state["fds"]![0]);
        Assert.Equal("test-metadata", (string?)state["metadata"]);
        Assert.True((int)state["pid"]! > 0);
        Assert.Equal(notified, (int)state["pid"]!);
        Assert.Equal(c.Id, (string?)state["state"]!["id"]);
    }

    [Fact]
    public void NotifyRule_AnExecdProcessSendsItsOwnFdAndState()
    {
        // The init's fd comes at create; each exec'd process loads its own filter, so its own
        // listener fd must reach listenerPath too (runc's setnsProcess), or its NOTIFY syscalls fail.
        using var listener = new Listener(connections: 2);
        using var c = WithProbe("sc-notify-exec", listener.Profile(), "sleep", "1000");
        c.Create().ShouldSucceed();
        c.Start().ShouldSucceed();
        var r = c.Cli.Exec("exec", c.Id, "/probe", X86_64_mkdir.ToString(), "@/x", "0").ShouldSucceed();
        Assert.Equal("ret=-1 errno=18", r.Stdout.Trim());
        var (state, notified) = listener.Finish();
        Assert.Equal("seccompFd", (string?)state["fds"]![0]);
        Assert.Equal("test-metadata", (string?)state["metadata"]);
        // The process is the exec'd one; the container state is the container's (its init).
        Assert.Equal(notified, (int)state["pid"]!);
        Assert.NotEqual(c.Pid(), notified);
        Assert.Equal(c.Id, (string?)state["state"]!["id"]);
        Assert.Equal(c.Pid(), (int)state["state"]!["pid"]!);
        Assert.Equal("running", (string?)state["state"]!["status"]);
    }

    [Fact]
    public async Task NotifyRule_AnExecdProcessRunsNothingBeforeItsListenerHasTheFd()
    {
        // A listener socket whose backlog is full: the runtime's connect blocks there. Meanwhile the
        // exec'd process must not run (runc's child waits for procSeccompDone); when the socket
        // closes, the delivery fails and the process ends without having run.
        var listener = new Listener(connections: 1);
        using var c = WithProbe("sc-notify-wait", listener.Profile(), "sleep", "1000");
        c.Bundle.Config["root"]!["readonly"] = false;
        c.Bundle.AddMount("/tmp", "tmpfs", "tmpfs", "nosuid");
        c.Create().ShouldSucceed();
        c.Start().ShouldSucceed();
        listener.Dispose();
        File.Delete(listener.Socket);
        using var blocked = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        blocked.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(listener.Socket));
        blocked.Listen(0);
        using var filler = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        filler.Connect(new System.Net.Sockets.UnixDomainSocketEndPoint(listener.Socket));   // the one queued connection backlog 0 allows

        var exec = Task.Run(() => c.Cli.Exec("exec", c.Id, "sh", "-c", "echo ran > /tmp/ran; echo ran"));
        await Task.Delay(1500);
        string marker = $"/proc/{c.Pid()}/root/tmp/ran";
        bool ranEarly = File.Exists(marker);
        blocked.Close();   // wakes the runtime's connect: ECONNREFUSED
        var r = await exec;
        Assert.False(ranEarly, "the exec'd process ran before its listener fd was delivered");
        Assert.Equal(255, r.ExitCode);
        Assert.False(File.Exists(marker), "the exec'd process ran although its listener fd was never delivered");
        Assert.DoesNotContain("ran", r.Stdout);
    }

    [Fact]
    public void NotifyRule_ExecWhoseListenerIsGone_Fails255WithOneLine()
    {
        var listener = new Listener(connections: 1);
        using var c = WithProbe("sc-notify-gone", listener.Profile(), "sleep", "1000");
        c.Create().ShouldSucceed();
        c.Start().ShouldSucceed();
        listener.Dispose();   // took the init's fd; nobody listens for the exec's
        File.Delete(listener.Socket);
        var r = c.Cli.Exec("exec", c.Id, "/probe", X86_64_mkdir.ToString(), "@/x", "0");
        Assert.Equal(255, r.ExitCode);
        Assert.DoesNotContain("ret=", r.Stdout);
        if (!TestEnv.IsRunc)
        {
            Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Contains("listenerPath", r.Stderr);
        }
    }
}
