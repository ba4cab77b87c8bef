using System.Net.Sockets;
using System.Text;

namespace OciRuntime.Conformance;

/// <summary>
/// The client side of the console-socket protocol: listens on a SOCK_STREAM unix socket (the path passed as
/// --console-socket), accepts the runtime's connection and receives its message with recvmsg(2), parsing
/// every SCM_RIGHTS control message so that tests can assert "exactly one message, data /dev/ptmx, exactly
/// one fd".
/// </summary>
public sealed unsafe class ConsoleSocketReceiver : IDisposable
{
    readonly Socket _listener;
    public string Path { get; }

    public ConsoleSocketReceiver(string path)
    {
        Path = path;
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint(path));
        _listener.Listen(4);
    }

    public sealed record Message(byte[] Data, int ControlMessages, List<int> Fds, int Flags, bool EofAfter)
    {
        public string Text => Encoding.ASCII.GetString(Data);

        /// <summary>How many recvmsg calls returned data before EOF.</summary>
        public int Messages { get; init; }
    }

    /// <summary>True if a connection is already waiting (e.g. it was made before `create` returned).</summary>
    public bool ConnectionPending() => _listener.Poll(0, SelectMode.SelectRead);

    /// <summary>Accepts one connection and reads everything it sends (until EOF), collecting data and fds.</summary>
    public Message Receive(TimeSpan timeout)
    {
        if (!_listener.Poll((int)timeout.TotalMicroseconds, SelectMode.SelectRead))
            throw new TimeoutException("the runtime never connected to the console socket");
        using var conn = _listener.Accept();
        int fd = (int)conn.Handle;
        var data = new List<byte>();
        var fds = new List<int>();
        int cmsgs = 0, flags = 0, messages = 0;
        bool eof = false;
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (!conn.Poll(200_000, SelectMode.SelectRead)) continue;
            byte[] buf = new byte[4096];
            byte[] control = new byte[1024];
            nint n;
            Libc.MsgHdr msg;
            fixed (byte* pb = buf, pc = control)
            {
                var iov = new Libc.IoVec { Base = pb, Len = (nuint)buf.Length };
                msg = new Libc.MsgHdr { Iov = &iov, IovLen = 1, Control = pc, ControlLen = (nuint)control.Length };
                n = Libc.recvmsg(fd, &msg, Libc.MSG_CMSG_CLOEXEC);
                if (n < 0 && System.Runtime.InteropServices.Marshal.GetLastPInvokeError() is Libc.EAGAIN or Libc.EINTR) continue;
                if (n < 0) throw new IOException($"recvmsg failed: errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}");
                if (n == 0 && msg.ControlLen == 0) { eof = true; break; }
                messages++;
                flags |= msg.Flags;
                data.AddRange(buf.AsSpan(0, (int)n).ToArray());
                // Walk the control messages (CMSG_FIRSTHDR / CMSG_NXTHDR).
                int hdr = sizeof(Libc.CmsgHdr);
                int off = 0, total = (int)msg.ControlLen;
                while (off + hdr <= total)
                {
                    var c = *(Libc.CmsgHdr*)(pc + off);
                    if ((int)c.Len < hdr) break;
                    cmsgs++;
                    if (c.Level == Libc.SOL_SOCKET && c.Type == Libc.SCM_RIGHTS)
                        for (int p = hdr; p + 4 <= (int)c.Len; p += 4)
                            fds.Add(*(int*)(pc + off + p));
                    off += ((int)c.Len + 7) & ~7;
                }
            }
        }
        return new Message(data.ToArray(), cmsgs, fds, flags, eof) { Messages = messages };
    }

    public void Dispose()
    {
        _listener.Dispose();
        try { File.Delete(Path); } catch (IOException) { }
    }
}
