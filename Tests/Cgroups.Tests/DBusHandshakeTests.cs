using System.Net.Sockets;
using System.Text;
using OciRuntime.Cgroups.Systemd;

namespace OciRuntime.Cgroups.Tests;

/// <summary>
/// The client's SASL handshake against a fake server that reads like systemd 252's sd-bus: bytes
/// that arrive in the same read as BEGIN are kept unparsed and never answered. The client must
/// send BEGIN with AUTH, before the server's OK (as libsystemd does), so no call can share BEGIN's
/// read (docs/decisions.md, "The unanswered call"; the guest shows it against real systemd).
/// </summary>
public class DBusHandshakeTests
{
    [Fact]
    public async Task Begin_GoesWithAuth_AndTheFirstCallIsAnswered()
    {
        string path = Path.Combine(Path.GetTempPath(), $"oci-dbus-{Environment.ProcessId}-{Guid.NewGuid():N}.sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(1);
        string? serverError = null;
        bool beginBeforeOk = false;
        var server = Task.Run(() =>
        {
            try
            {
                using Socket s = listener.Accept();
                s.ReceiveTimeout = 5000;
                // What the client sends before the OK: sd-bus reads whatever is there at once.
                var before = new List<byte>();
                var buf = new byte[4096];
                DateTime until = DateTime.UtcNow.AddMilliseconds(500);
                while (DateTime.UtcNow < until)
                {
                    if (s.Poll(50_000, SelectMode.SelectRead))
                    {
                        int n = s.Receive(buf);
                        if (n == 0) break;
                        before.AddRange(buf.AsSpan(0, n).ToArray());
                    }
                }
                string text = Encoding.ASCII.GetString(before.ToArray());
                beginBeforeOk = text.Contains("AUTH EXTERNAL ", StringComparison.Ordinal) && text.EndsWith("BEGIN\r\n", StringComparison.Ordinal);
                s.Send(Encoding.ASCII.GetBytes("OK 0123456789abcdef0123456789abcdef\r\n"));
                // The call, read as sd-bus does after BEGIN: when it came in BEGIN's read it stays unparsed.
                if (!beginBeforeOk) return;
                byte[] fixedPart = ReceiveExactly(s, 16);
                uint bodyLen = BitConverter.ToUInt32(fixedPart, 4), serial = BitConverter.ToUInt32(fixedPart, 8), fieldsLen = BitConverter.ToUInt32(fixedPart, 12);
                ReceiveExactly(s, (int)((fieldsLen + 7) & ~7u) + (int)bodyLen);
                s.Send(Reply(serial, "pong"));
            }
            catch (Exception e) { serverError = e.ToString(); }
        });
        try
        {
            using DBusSocket client = DBusSocket.Open(path, isBus: false, uid: 0);
            Assert.True(Volatile.Read(ref beginBeforeOk), "BEGIN was not sent with AUTH, before the server's OK");
            DBusReader r = client.Call("org.freedesktop.systemd1", "/org/freedesktop/systemd1", "org.freedesktop.DBus.Peer", "Ping", "", Array.Empty<byte>(), TimeSpan.FromSeconds(5));
            Assert.Equal("pong", r.String());
            await server.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Null(serverError);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static byte[] ReceiveExactly(Socket s, int count)
    {
        var b = new byte[count];
        int off = 0;
        while (off < count)
        {
            int n = s.Receive(b, off, count - off, SocketFlags.None);
            if (n == 0) throw new IOException("closed");
            off += n;
        }
        return b;
    }

    /// <summary>A METHOD_RETURN to <paramref name="serial"/> with one string.</summary>
    private static byte[] Reply(uint serial, string value)
    {
        var body = new DBusWriter();
        body.String(value);
        byte[] b = body.ToArray();
        var w = new DBusWriter();
        w.Byte((byte)'l');
        w.Byte(2);
        w.Byte(1); // no reply expected
        w.Byte(1);
        w.UInt32((uint)b.Length);
        w.UInt32(1);
        var fields = w.BeginArray(8);
        w.BeginStruct();
        w.Byte(5); // REPLY_SERIAL
        w.Signature("u");
        w.UInt32(serial);
        w.BeginStruct();
        w.Byte(8); // SIGNATURE
        w.Signature("g");
        w.Signature("s");
        w.EndArray(fields);
        w.Align(8);
        return [.. w.ToArray(), .. b];
    }
}
