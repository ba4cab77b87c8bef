using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace OciRuntime.Cri;

/// <summary>
/// A client of the CRI streaming server's exec endpoint (the URL an Exec call returns), speaking
/// the WebSocket subprotocol v4.channel.k8s.io as kubectl/kubelet can: every binary message
/// starts with its channel byte — 0 stdin, 1 stdout, 2 stderr, 3 the final status (a JSON
/// metav1.Status in v4), 4 terminal resize ({"Width","Height"}) — and the server closes the
/// connection when the process has exited. (v4 has no way to close stdin alone: commands here read
/// what they need and do not wait for EOF.)
/// </summary>
public sealed class ExecStream : IDisposable
{
    public const string Protocol = "v4.channel.k8s.io";
    readonly ClientWebSocket _ws;
    readonly Task<ExecOutput> _reader;

    ExecStream(ClientWebSocket ws, CancellationToken ct)
    {
        _ws = ws;
        _reader = Task.Run(() => ReadAll(ct));
    }

    public static async Task<ExecStream> Connect(string url, CancellationToken ct)
    {
        var b = new UriBuilder(url);
        b.Scheme = b.Scheme == "https" ? "wss" : "ws";
        var ws = new ClientWebSocket();
        ws.Options.AddSubProtocol(Protocol);
        await ws.ConnectAsync(b.Uri, ct);
        if (ws.SubProtocol != Protocol)
            throw new InvalidOperationException($"the streaming server chose subprotocol \"{ws.SubProtocol}\", not {Protocol}");
        return new ExecStream(ws, ct);
    }

    public Task Stdin(string text, CancellationToken ct) => Send(0, Encoding.UTF8.GetBytes(text), ct);

    public Task Resize(int width, int height, CancellationToken ct) =>
        Send(4, Encoding.UTF8.GetBytes($$"""{"Width":{{width}},"Height":{{height}}}"""), ct);

    Task Send(byte channel, byte[] data, CancellationToken ct)
    {
        var msg = new byte[data.Length + 1];
        msg[0] = channel;
        data.CopyTo(msg, 1);
        return _ws.SendAsync(msg, WebSocketMessageType.Binary, endOfMessage: true, ct);
    }

    /// <summary>Everything the server sent until it closed the connection.</summary>
    public Task<ExecOutput> Output => _reader;

    async Task<ExecOutput> ReadAll(CancellationToken ct)
    {
        var stdout = new MemoryStream();
        var stderr = new MemoryStream();
        var status = new MemoryStream();
        var buf = new byte[64 * 1024];
        var msg = new MemoryStream();
        while (true)
        {
            WebSocketReceiveResult r;
            try { r = await _ws.ReceiveAsync(buf, ct); }
            catch (WebSocketException) when (_ws.State is WebSocketState.Aborted or WebSocketState.Closed) { break; }
            if (r.MessageType == WebSocketMessageType.Close) break;
            msg.Write(buf, 0, r.Count);
            if (!r.EndOfMessage) continue;
            byte[] m = msg.ToArray();
            msg.SetLength(0);
            if (m.Length == 0) continue;
            var target = m[0] switch { 1 => stdout, 2 => stderr, 3 => status, _ => null };
            target?.Write(m, 1, m.Length - 1);
        }
        return new ExecOutput(Encoding.UTF8.GetString(stdout.ToArray()), Encoding.UTF8.GetString(stderr.ToArray()), Encoding.UTF8.GetString(status.ToArray()));
    }

    public void Dispose() => _ws.Dispose();
}

/// <summary>What an exec stream delivered; <see cref="ExitCode"/> is read from the v4 status.</summary>
public sealed record ExecOutput(string Stdout, string Stderr, string Status)
{
    /// <summary>0 for Success, the NonZeroExitCode cause's code, null when the status says neither.</summary>
    public int? ExitCode
    {
        get
        {
            if (Status.Length == 0) return null;
            using var doc = JsonDocument.Parse(Status);
            var root = doc.RootElement;
            if (root.TryGetProperty("status", out var s) && s.GetString() == "Success") return 0;
            if (root.TryGetProperty("reason", out var reason) && reason.GetString() == "NonZeroExitCode" &&
                root.TryGetProperty("details", out var details) && details.TryGetProperty("causes", out var causes))
                foreach (var c in causes.EnumerateArray())
                    if (c.TryGetProperty("reason", out var cr) && cr.GetString() == "ExitCode" && int.TryParse(c.GetProperty("message").GetString(), out int code))
                        return code;
            return null;
        }
    }
}
