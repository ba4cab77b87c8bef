using System.Net.Sockets;
using System.Text;

namespace OciRuntime.Conformance.Tests;

/// <summary>
/// NOTIFY_SOCKET as runc 1.1.5 handles it (runc is the oracle: every test passes with it too).
/// The test is the caller's systemd: it binds a datagram socket, runs the runtime with
/// NOTIFY_SOCKET pointing at it, and reads what the runtime forwards. The container notifies with
/// a static sd-notify program bind-mounted into the busybox rootfs.
/// </summary>
public class NotifySocketTests
{
    const string Tool = "/sd-notify";

    sealed class Listener : IDisposable
    {
        public string Path { get; }
        readonly Socket _socket;

        public Listener(string dir)
        {
            Path = System.IO.Path.Combine(dir, "systemd-notify.sock");
            _socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            _socket.Bind(new UnixDomainSocketEndPoint(Path));
        }

        /// <summary>Every datagram that arrives within <paramref name="timeout"/> of the previous one.</summary>
        public List<string> Receive(TimeSpan timeout)
        {
            var got = new List<string>();
            var buf = new byte[4096];
            _socket.ReceiveTimeout = (int)timeout.TotalMilliseconds;
            while (true)
            {
                try { got.Add(Encoding.UTF8.GetString(buf, 0, _socket.Receive(buf))); }
                catch (SocketException) { return got; }
            }
        }

        public void Dispose() => _socket.Dispose();
    }

    static int s_roots;

    /// <summary>
    /// A container whose runtime uses a short --root: the socket path &lt;root&gt;/&lt;id&gt;/notify/notify.sock
    /// must fit in sun_path (108 bytes), and the suite's work dir is long (runc fails the same way).
    /// </summary>
    sealed class Notifying : IDisposable
    {
        public Container C { get; }
        public RuntimeCli Cli { get; }
        public string Root { get; }
        public string Id => C.Id;
        public string Dir => C.Dir;

        public Notifying(string tag, string script, Action<Bundle>? edit = null)
        {
            C = new Container(tag).Configure(b => { b.Sh(script).AddMount(Tool, "bind", NativeTools.SdNotify, "bind", "ro"); edit?.Invoke(b); });
            Root = $"/run/ocn-{Environment.ProcessId}-{Interlocked.Increment(ref s_roots)}";
            // 0700 like the default roots (/run/oci-runtime, /run/runc): a user-namespaced
            // container's root cannot search it, yet its init must still reach the socket.
            Directory.CreateDirectory(Root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            Cli = new RuntimeCli(Root, null, C.Id);
        }

        public CliResult Run(RunOptions o, params string[] extra)
        {
            C.Bundle.Save();
            return Cli.Exec(["run", "--bundle", C.Bundle.Dir, .. extra, Id], extra.Contains("--detach") ? o with { DetachedStdio = true } : o);
        }
        public CliResult Create(RunOptions o) { C.Bundle.Save(); return Cli.Exec(["create", "--bundle", C.Bundle.Dir, Id], o with { DetachedStdio = true }); }
        public CliResult Start(RunOptions o) => Cli.Exec(["start", Id], o);
        public int Pid() => (int)System.Text.Json.Nodes.JsonNode.Parse(Cli.Exec("state", Id).ShouldSucceed().Stdout)!["pid"]!;
        public string Status() => (string)System.Text.Json.Nodes.JsonNode.Parse(Cli.Exec("state", Id).ShouldSucceed().Stdout)!["status"]!;

        public void Dispose()
        {
            Cli.Exec("delete", "--force", Id);
            C.Dispose();
            try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
        }
    }

    static RunOptions WithNotify(Listener l) => new() { Env = new Dictionary<string, string> { ["NOTIFY_SOCKET"] = l.Path } };

    [Fact]
    public void RunDetached_WaitsForReady_ThenForwardsReadyAndTheInitsPid()
    {
        using var c = new Notifying("notify-rund", $"sleep 0.3; {Tool} READY=1; exec sleep 100");
        using var l = new Listener(c.Dir);
        c.Run(WithNotify(l), "--detach").ShouldSucceed();
        // run -d returned: READY has been forwarded already, then MAINPID = the container's init.
        List<string> got = l.Receive(TimeSpan.FromMilliseconds(500));
        Assert.Equal(new[] { "READY=1\n", $"MAINPID={c.Pid()}\n" }, got);
    }

    [Fact]
    public void Container_SeesTheSocketReadOnlyAtRunNotify()
    {
        using var c = new Notifying("notify-env",
            $"echo \"env=$NOTIFY_SOCKET\"; grep ' /run/notify ' /proc/self/mountinfo | grep -q ' ro,' && echo ro; touch /run/notify/x 2>/dev/null || echo cannot-write; {Tool} READY=1");
        using var l = new Listener(c.Dir);
        var r = c.Run(WithNotify(l)).ShouldSucceed();
        Assert.Contains("env=/run/notify/notify.sock\n", r.Stdout);
        Assert.Contains("ro\n", r.Stdout);
        Assert.Contains("cannot-write\n", r.Stdout);
    }

    [Fact]
    public void CreateThenStart_StartBindsTheSocketAndForwardsReady()
    {
        using var c = new Notifying("notify-cs", $"{Tool} READY=1; exec sleep 100");
        using var l = new Listener(c.Dir);
        c.Create(WithNotify(l)).ShouldSucceed();
        string notifyDir = Path.Combine(c.Root, c.Id, "notify");
        Assert.True(Directory.Exists(notifyDir), $"create made no {notifyDir}");
        // Bound by start, not by create (runc 1.1.5): nothing there yet.
        Assert.False(File.Exists(Path.Combine(notifyDir, "notify.sock")), "create already bound notify.sock");
        c.Start(WithNotify(l)).ShouldSucceed();
        Assert.Equal(new[] { "READY=1\n", $"MAINPID={c.Pid()}\n" }, l.Receive(TimeSpan.FromMilliseconds(500)));
        Assert.Equal("running", c.Status());
    }

    [Fact]
    public void Start_ReturnsWhenTheInitDiesWithoutReady()
    {
        using var c = new Notifying("notify-dies", "sleep 0.2; exit 0");
        using var l = new Listener(c.Dir);
        c.Create(WithNotify(l)).ShouldSucceed();
        var r = c.Start(WithNotify(l) with { Timeout = TimeSpan.FromSeconds(10) });
        r.ShouldSucceed();
        Assert.Empty(l.Receive(TimeSpan.FromMilliseconds(300)));
    }

    [Fact]
    public void RunForeground_ForwardsReady_AndKeepsTheExitStatus()
    {
        using var c = new Notifying("notify-runfg", $"{Tool} READY=1; exit 3");
        using var l = new Listener(c.Dir);
        var r = c.Run(WithNotify(l) with { Timeout = TimeSpan.FromSeconds(15) });
        Assert.Equal(3, r.ExitCode);
        List<string> got = l.Receive(TimeSpan.FromMilliseconds(500));
        Assert.Equal(2, got.Count);
        Assert.Equal("READY=1\n", got[0]);
        // runc names itself: in the foreground the runtime is what the caller should watch.
        Assert.Matches(@"^MAINPID=\d+\n$", got[1]);
    }

    [Fact]
    public void WithoutNotifySocket_NothingIsAdded()
    {
        using var c = new Container("notify-none").Configure(b => b.Sh("echo \"env=$NOTIFY_SOCKET\"; grep ' /run/notify ' /proc/self/mountinfo; true"));
        var r = c.Run(new RunOptions { Env = new Dictionary<string, string> { ["NOTIFY_SOCKET"] = "" } }).ShouldSucceed();
        Assert.Equal("env=\n", r.Stdout);
    }

    // ---- a user-namespaced container started by root: the container's root is host uid 100000,
    // which owns nothing on the host. It must still reach the socket through the read-only bind of
    // the root-owned state dir, and the runtime (host root) must still read what it sends.

    static void Userns(Bundle b) => b.UserNamespace();

    [Fact]
    public void UserNamespace_RunDetached_ForwardsReadyAndTheInitsPid()
    {
        using var c = new Notifying("notify-userns-rund", $"{Tool} READY=1; exec sleep 100", Userns);
        using var l = new Listener(c.Dir);
        c.Run(WithNotify(l), "--detach").ShouldSucceed();
        Assert.Equal(new[] { "READY=1\n", $"MAINPID={c.Pid()}\n" }, l.Receive(TimeSpan.FromMilliseconds(500)));
        Assert.Equal("running", c.Status());
    }

    [Fact]
    public void UserNamespace_CreateThenStart_ForwardsReady()
    {
        using var c = new Notifying("notify-userns-cs", $"{Tool} READY=1; exec sleep 100", Userns);
        using var l = new Listener(c.Dir);
        c.Create(WithNotify(l)).ShouldSucceed();
        c.Start(WithNotify(l)).ShouldSucceed();
        Assert.Equal(new[] { "READY=1\n", $"MAINPID={c.Pid()}\n" }, l.Receive(TimeSpan.FromMilliseconds(500)));
    }

    [Fact]
    public void UserNamespace_TheSocketIsReachableAndReadOnly_ForTheMappedRootAndAnUnmappedUser()
    {
        // uid 0 in the container is host 100000; uid 1000 there is host 101000: neither owns the dir.
        using var c = new Notifying("notify-userns-ro",
            $"echo \"env=$NOTIFY_SOCKET\"; id -u; test -S /run/notify/notify.sock && echo socket; touch /run/notify/x 2>/dev/null || echo cannot-write; " +
            $"rm -f /run/notify/notify.sock 2>/dev/null || echo cannot-remove; {Tool} READY=1",
            b => { Userns(b); });
        using var l = new Listener(c.Dir);
        var r = c.Run(WithNotify(l) with { Timeout = TimeSpan.FromSeconds(15) });
        Assert.Contains("env=/run/notify/notify.sock\n", r.Stdout);
        Assert.Contains("socket\n", r.Stdout);
        Assert.Contains("cannot-write\n", r.Stdout);
        Assert.Contains("cannot-remove\n", r.Stdout);
        Assert.Equal("READY=1\n", l.Receive(TimeSpan.FromMilliseconds(500)).FirstOrDefault());
    }

    [Fact]
    public void UserNamespace_ANonRootProcessUser_CanNotify()
    {
        using var c = new Notifying("notify-userns-user", $"id -u; {Tool} READY=1; exec sleep 100",
            b => { Userns(b); b.Process["user"] = new System.Text.Json.Nodes.JsonObject { ["uid"] = 1000, ["gid"] = 1000 }; });
        using var l = new Listener(c.Dir);
        c.Run(WithNotify(l), "--detach").ShouldSucceed();
        Assert.Equal(new[] { "READY=1\n", $"MAINPID={c.Pid()}\n" }, l.Receive(TimeSpan.FromMilliseconds(500)));
    }
}
