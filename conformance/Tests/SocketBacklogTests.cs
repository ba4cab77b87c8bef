using System.Diagnostics;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using OciRuntime.Conformance.Security;

namespace OciRuntime.Conformance.Tests;

/// <summary>
/// The sockets a caller names (--console-socket, linux.seccomp.listenerPath) belong to processes
/// the runtime does not control. A unix stream connect to a listener whose backlog is full sleeps
/// until it accepts; a listener that never does hung create, and the shim waiting on it, for good.
/// runc fails at once with EAGAIN (Go connects non-blocking); we wait a few seconds for a busy
/// peer, then fail in one line and leave nothing behind. The weak build (OCI_WEAKEN_SOCKET_TIMEOUT)
/// connects without a bound and must hang.
/// </summary>
public class SocketBacklogTests
{
    /// <summary>A listener that accepts nothing, with its backlog already full.</summary>
    sealed class StuckListener : IDisposable
    {
        readonly Socket _listener = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        readonly Socket _queued = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        public string Path { get; }

        public StuckListener(string path)
        {
            Path = path;
            _listener.Bind(new UnixDomainSocketEndPoint(path));
            _listener.Listen(0); // the kernel queues one connection more than the backlog: one
            _queued.Connect(new UnixDomainSocketEndPoint(path));
            using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified) { Blocking = false };
            var full = Assert.ThrowsAny<SocketException>(() => probe.Connect(new UnixDomainSocketEndPoint(path)));
            Assert.True(full.SocketErrorCode is SocketError.WouldBlock or SocketError.TryAgain,
                $"the listener's backlog is not full: a probe connect gave {full.SocketErrorCode}");
        }

        public void Dispose()
        {
            _queued.Dispose();
            _listener.Dispose();
        }
    }

    static void AssertFailsInBoundedTime(Container c, bool weak, string what, params string[] extra)
    {
        if (weak)
        {
            var hung = Assert.Throws<TimeoutException>(() => c.Create(new RunOptions { Timeout = TimeSpan.FromSeconds(8) }, extra));
            Assert.Contains("did not finish", hung.Message);
            return;
        }
        var watch = Stopwatch.StartNew();
        var r = c.Create(new RunOptions { Timeout = TimeSpan.FromSeconds(30) }, extra).ShouldFail();
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), $"create took {watch.Elapsed.TotalSeconds:F1} s to give up");
        Assert.Contains(what, r.Stderr);
        if (!TestEnv.IsRunc) Assert.Contains("backlog", r.Stderr);
        Assert.Contains("does not exist", c.State().ShouldFail().Stderr);
        Assert.Empty(Cgroups.Dirs(c.Id));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ConsoleSocket_WhoseListenerAcceptsNothing_FailsCreateInBoundedTime(bool weak)
    {
        if (weak && TestEnv.IsRunc) return; // the weak build is ours
        using var c = SecuritySuite.ContainerOfBuild("console-backlog", weak).Configure(b =>
        {
            b.Process["terminal"] = true;
            b.Args("true");
        });
        using var stuck = new StuckListener(Path.Combine(c.Dir, "console.sock"));
        AssertFailsInBoundedTime(c, weak, stuck.Path, "--console-socket", stuck.Path);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SeccompListener_WhoseListenerAcceptsNothing_FailsCreateInBoundedTime(bool weak)
    {
        if (weak && TestEnv.IsRunc) return;
        using var c = SecuritySuite.ContainerOfBuild("seccomp-backlog", weak);
        using var stuck = new StuckListener(Path.Combine(c.Dir, "listener.sock"));
        c.Configure(b =>
        {
            b.Linux["seccomp"] = new JsonObject
            {
                ["defaultAction"] = "SCMP_ACT_ALLOW",
                ["listenerPath"] = stuck.Path,
                ["syscalls"] = new JsonArray(new JsonObject { ["names"] = new JsonArray("getcwd"), ["action"] = "SCMP_ACT_NOTIFY" }),
            };
            b.Args("true");
        });
        AssertFailsInBoundedTime(c, weak, stuck.Path);
    }
}
