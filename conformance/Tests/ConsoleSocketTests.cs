using System.Text;
using System.Text.Json.Nodes;

namespace OciRuntime.Conformance.Tests;

/// <summary>
/// process.terminal = true with --console-socket: before `create` returns, the runtime has sent exactly one
/// message "/dev/ptmx" carrying exactly one SCM_RIGHTS fd, the pty master; the container's stdio is the slave.
/// </summary>
public class ConsoleSocketTests
{
    internal static string ReadPty(int master, string until, TimeSpan timeout)
    {
        var sb = new StringBuilder();
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline && !sb.ToString().Contains(until))
        {
            var chunk = Libc.ReadSome(master, 200);
            if (chunk.Length > 0) sb.Append(Encoding.UTF8.GetString(chunk));
        }
        return sb.ToString();
    }

    [Fact]
    public void ConsoleSocket_SendsOnePtyMasterBeforeCreateReturns_AndContainerUsesIt()
    {
        using var c = new Container("console").Configure(b =>
        {
            b.Process["terminal"] = true;
            b.Process["consoleSize"] = new JsonObject { ["height"] = 33, ["width"] = 111 };
            b.Sh("tty; stty size; echo END");
        });
        using var receiver = new ConsoleSocketReceiver(Path.Combine(c.Dir, "console.sock"));
        c.Create(null, "--console-socket", receiver.Path).ShouldSucceed();

        // Like containerd's shim: accept only after create returned; the message must already be queued.
        Assert.True(receiver.ConnectionPending(), "no console-socket connection was made before create returned");
        var msg = receiver.Receive(TimeSpan.FromSeconds(5));
        try
        {
            Assert.Equal("/dev/ptmx", msg.Text);
            Assert.Equal(1, msg.Messages);
            Assert.Equal(1, msg.ControlMessages);
            Assert.Single(msg.Fds);
            Assert.True((msg.Flags & (Libc.MSG_CTRUNC | Libc.MSG_TRUNC)) == 0, $"message flags {msg.Flags:x}");
            Assert.True(msg.EofAfter, "the runtime did not close the console socket connection");
            int master = msg.Fds[0];

            c.Start().ShouldSucceed();
            string output = ReadPty(master, "END", TimeSpan.FromSeconds(10));
            var lines = output.Replace("\r", "").Split('\n');
            Assert.True(lines.Length >= 3, "pty output: " + output);
            Assert.Equal("/dev/pts/0", lines[0]);
            Assert.Equal("33 111", lines[1]);
            c.WaitForStatus("stopped");
        }
        finally
        {
            foreach (var fd in msg.Fds) Libc.close(fd);
        }
    }

    [Fact]
    public void Terminal_WithoutConsoleSocket_FailsCreate()
    {
        using var c = new Container("console-missing").Configure(b => b.Args("tty"));
        // Control: the same config without a terminal is created fine.
        c.Create().ShouldSucceed();
        c.Delete(force: true).ShouldSucceed();
        c.Configure(b => b.Process["terminal"] = true);
        c.Create().ShouldFail();
        Assert.Contains("does not exist", c.State().ShouldFail().Stderr);
        Assert.Empty(Cgroups.Dirs(c.Id));
    }
}
