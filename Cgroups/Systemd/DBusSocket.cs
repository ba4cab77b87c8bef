using System;
using System.Globalization;
using System.Text;
using OciRuntime.Native.Interop;

namespace OciRuntime.Cgroups.Systemd;

/// <summary>
/// A minimal, synchronous D-Bus client connection over an AF_UNIX stream socket: SASL EXTERNAL
/// authentication (the kernel vouches for our uid), method calls, and their replies. Signals that
/// systemd sends unasked on its private socket are skipped. No threads, no async: the runtime is
/// a one-shot CLI and makes a handful of calls (docs/decisions.md: why not Tmds.DBus.Protocol).
/// </summary>
public sealed unsafe class DBusSocket : IDisposable
{
    private const byte MethodCall = 1, MethodReturn = 2, Error = 3;
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(30);

    private readonly int _fd;
    private uint _serial;
    public string Path { get; }

    private DBusSocket(int fd, string path)
    {
        _fd = fd;
        Path = path;
    }

    /// <summary>Connects and authenticates; on a message bus (not systemd's private socket) also says Hello.</summary>
    /// <param name="uid">The uid for AUTH EXTERNAL: ours as the server sees it (<see cref="SystemdManager.PeerUid"/>).</param>
    public static DBusSocket Open(string path, bool isBus, uint uid)
    {
        int fd = UnixSocket.Connect(path);
        if (fd < 0) throw new DBusTransportException(UnixSocket.ConnectError($"connect to {path}", -fd));
        var s = new DBusSocket(fd, path);
        try
        {
            s.Authenticate(uid);
            if (isBus) s.Call("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "Hello", "", Array.Empty<byte>());
        }
        catch
        {
            s.Dispose();
            throw;
        }
        return s;
    }

    public void Dispose() => Sys.Close(_fd);

    private void Authenticate(uint peerUid)
    {
        // "\0", AUTH EXTERNAL with our uid as hex-encoded decimal ASCII, and BEGIN in the same
        // write, before the server's "OK <guid>" (as libsystemd's own client does). Sending BEGIN
        // only after OK lets it reach the server in one read with the first call when the server
        // is slow to read (systemd busy with a dying scope): systemd 252's sd-bus then consumes
        // BEGIN, leaves the call in its read buffer and waits for more bytes on the socket that
        // never come, so the call is never answered (docs/decisions.md: "the unanswered call").
        string uid = peerUid.ToString(CultureInfo.InvariantCulture);
        var hex = new StringBuilder();
        foreach (byte c in Encoding.ASCII.GetBytes(uid)) hex.Append(c.ToString("x2", CultureInfo.InvariantCulture));
#if OCI_WEAKEN_DBUS_PIPELINED_BEGIN
        SendAll(Encoding.ASCII.GetBytes("\0AUTH EXTERNAL " + hex + "\r\n"));
#else
        SendAll(Encoding.ASCII.GetBytes("\0AUTH EXTERNAL " + hex + "\r\nBEGIN\r\n"));
#endif
        string line = ReadLine();
        if (!line.StartsWith("OK ", StringComparison.Ordinal))
            throw new DBusTransportException($"authentication (EXTERNAL, uid {uid}) refused by {Path}: {line}");
#if OCI_WEAKEN_DBUS_PIPELINED_BEGIN
        // As before the fix, with its unlucky timing made certain: BEGIN after OK, in the same
        // write as the first call.
        _pendingBegin = true;
#endif
    }

#if OCI_WEAKEN_DBUS_PIPELINED_BEGIN
    private bool _pendingBegin;
#endif

    /// <summary>A method call and its reply; an error reply becomes <see cref="DBusErrorException"/>.</summary>
    /// <param name="timeout">How long to wait for the reply (30 s if null).</param>
    public DBusReader Call(string destination, string path, string iface, string member, string signature, byte[] body, TimeSpan? timeout = null)
    {
        uint serial = ++_serial;
        byte[] call = Message(serial, destination, path, iface, member, signature, body);
#if OCI_WEAKEN_DBUS_PIPELINED_BEGIN
        if (_pendingBegin)
        {
            _pendingBegin = false;
            call = [.. Encoding.ASCII.GetBytes("BEGIN\r\n"), .. call];
        }
#endif
        SendAll(call);
        DateTime deadline = DateTime.UtcNow + (timeout ?? ReplyTimeout);
        while (true)
        {
            (byte type, uint replyTo, string? errorName, byte[] replyBody) = Receive(deadline, member, timeout ?? ReplyTimeout);
            if (replyTo != serial || (type != MethodReturn && type != Error)) continue; // a signal, or not ours
            if (type == Error)
            {
                string message = "";
                try { message = new DBusReader(replyBody).String(); } catch (InvalidOperationException) { }
                throw new DBusErrorException(errorName ?? "(no error name)", message);
            }
            return new DBusReader(replyBody);
        }
    }

    private static byte[] Message(uint serial, string destination, string path, string iface, string member, string signature, byte[] body)
    {
        var w = new DBusWriter();
        w.Byte((byte)'l');
        w.Byte(MethodCall);
        w.Byte(0); // flags: a reply is expected
        w.Byte(1); // protocol version
        w.UInt32((uint)body.Length);
        w.UInt32(serial);
        var fields = w.BeginArray(8);
        Field(w, 1, "o", path);
        Field(w, 2, "s", iface);
        Field(w, 3, "s", member);
        Field(w, 6, "s", destination);
        if (signature.Length > 0) Field(w, 8, "g", signature);
        w.EndArray(fields);
        w.Align(8);
        byte[] header = w.ToArray();
        byte[] all = new byte[header.Length + body.Length];
        header.CopyTo(all, 0);
        body.CopyTo(all, header.Length);
        return all;
    }

    private static void Field(DBusWriter w, byte code, string type, string value)
    {
        w.BeginStruct();
        w.Byte(code);
        w.Signature(type);
        if (type == "g") w.Signature(value); else w.String(value);
    }

    private (byte Type, uint ReplySerial, string? ErrorName, byte[] Body) Receive(DateTime deadline, string member, TimeSpan timeout)
    {
        byte[] fixedPart = ReadExactly(16, deadline, member, timeout);
        if (fixedPart[0] != (byte)'l') throw new DBusTransportException($"{Path}: big-endian messages are not supported");
        var fr = new DBusReader(fixedPart, 4);
        uint bodyLen = fr.UInt32();
        fr.UInt32(); // serial
        uint fieldsLen = fr.UInt32();
        int headerRest = (int)((fieldsLen + 7) & ~7u);
        if (bodyLen > 128 * 1024 * 1024 || fieldsLen > 64 * 1024) throw new DBusTransportException($"{Path}: message too large");
        byte[] rest = ReadExactly(headerRest + (int)bodyLen, deadline, member, timeout);
        byte[] header = new byte[16 + headerRest];
        fixedPart.CopyTo(header, 0);
        Array.Copy(rest, 0, header, 16, headerRest);
        var hr = new DBusReader(header, 16);
        uint replySerial = 0;
        string? errorName = null;
        while (hr.Position < 16 + fieldsLen)
        {
            hr.Align(8);
            byte code = hr.Byte();
            string sig = hr.Signature();
            if (sig.Length != 1) throw new DBusTransportException($"{Path}: malformed header field {code}");
            if (code == 5 && sig == "u") replySerial = hr.UInt32();
            else if (code == 4 && sig == "s") errorName = hr.String();
            else hr.Skip(sig[0]);
        }
        byte[] body = new byte[bodyLen];
        Array.Copy(rest, headerRest, body, 0, bodyLen);
        return (fixedPart[1], replySerial, errorName, body);
    }

    private void SendAll(byte[] data)
    {
        fixed (byte* p = data)
        {
            int off = 0;
            while (off < data.Length)
            {
                nint n = Sys.Write(_fd, p + off, (nuint)(data.Length - off));
                if (n < 0)
                {
                    int e = Sys.LastErrno;
                    if (e == Errno.EINTR) continue;
                    throw new DBusTransportException($"write to {Path}: {Sys.ErrnoText(e)}");
                }
                off += (int)n;
            }
        }
    }

    private byte[] ReadExactly(int count, DateTime deadline, string what, TimeSpan timeout)
    {
        byte[] buf = new byte[count];
        int off = 0;
        fixed (byte* p = buf)
        {
            while (off < count)
            {
                WaitReadable(deadline, what, timeout);
                nint n = Sys.Read(_fd, p + off, (nuint)(count - off));
                if (n < 0)
                {
                    int e = Sys.LastErrno;
                    if (e == Errno.EINTR || e == Errno.EAGAIN) continue;
                    throw new DBusTransportException($"read from {Path}: {Sys.ErrnoText(e)}");
                }
                if (n == 0) throw new DBusTransportException($"{Path} closed the connection (waiting for the reply to {what})");
                off += (int)n;
            }
        }
        return buf;
    }

    private void WaitReadable(DateTime deadline, string what, TimeSpan timeout)
    {
        while (true)
        {
            TimeSpan left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) throw new DBusTransportException($"no reply from {Path} to {what} within {timeout.TotalSeconds:0.#} s");
            var ts = new TimeSpec { Sec = (long)left.TotalSeconds, NSec = (long)(left.Ticks % TimeSpan.TicksPerSecond) * 100 };
            var pfd = new PollFd { Fd = _fd, Events = 1 /* POLLIN */ };
            int r = Sys.PPoll(&pfd, 1, &ts, null);
            if (r > 0) return;
            if (r < 0 && Sys.LastErrno != Errno.EINTR) throw new DBusTransportException($"poll {Path}: {Sys.ErrnoText(Sys.LastErrno)}");
        }
    }

    /// <summary>Authentication line reads, byte by byte (the lines are short and come once).</summary>
    private string ReadLine()
    {
        var sb = new StringBuilder();
        DateTime deadline = DateTime.UtcNow + ReplyTimeout;
        while (sb.Length < 512)
        {
            byte c = ReadExactly(1, deadline, "AUTH", ReplyTimeout)[0];
            if (c == '\n') return sb.ToString().TrimEnd('\r');
            sb.Append((char)c);
        }
        throw new DBusTransportException($"{Path}: authentication line too long");
    }
}

/// <summary>The peer answered with a D-Bus error: its name (org.freedesktop.systemd1.NoSuchUnit) and message.</summary>
public sealed class DBusErrorException : Exception
{
    public string Name { get; }
    public string ErrorMessage { get; }

    public DBusErrorException(string name, string message) : base($"{name}: {message}")
    {
        Name = name;
        ErrorMessage = message;
    }
}

/// <summary>The connection itself failed (connect, auth, I/O, timeout).</summary>
public sealed class DBusTransportException : Exception
{
    public DBusTransportException(string message) : base(message) { }
}
