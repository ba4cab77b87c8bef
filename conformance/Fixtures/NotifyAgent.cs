using System.Diagnostics;
using System.Text.Json.Nodes;

namespace OciRuntime.Conformance;

/// <summary>notify-continue on a fresh socket: lets every notified syscall through, logs each.</summary>
public sealed class NotifyAgent : IDisposable
{
    public readonly string Socket, Log;
    readonly Process _process;

    public NotifyAgent()
    {
        string dir = TestEnv.NewDir("notify-continue-" + Guid.NewGuid().ToString("N")[..8]);
        Socket = Path.Combine(dir, "agent.sock");
        Log = Path.Combine(dir, "agent.log");
        _process = Process.Start(NativeTools.NotifyContinue, [Socket, Log])!;
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!File.Exists(Socket) && DateTime.UtcNow < deadline) Thread.Sleep(10);
    }

    /// <summary>Lets an unprivileged runtime (the rootless tests' user) connect to the socket.</summary>
    public NotifyAgent OpenToEveryone()
    {
        File.SetUnixFileMode(Path.GetDirectoryName(Socket)!, (UnixFileMode)0b111_101_101);
        File.SetUnixFileMode(Socket, (UnixFileMode)0b110_110_110);
        return this;
    }

    public JsonObject Profile(params string[] notified) => new()
    {
        ["defaultAction"] = "SCMP_ACT_ALLOW",
        ["architectures"] = new JsonArray("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"),
        ["listenerPath"] = Socket,
        ["syscalls"] = new JsonArray(new JsonObject
        {
            ["names"] = new JsonArray(notified.Select(n => (JsonNode)n!).ToArray()),
            ["action"] = "SCMP_ACT_NOTIFY",
        }),
    };

    /// <summary>How many listener fds the agent received, and how many notifications it let through.</summary>
    public (int Fds, int Notifications) Seen()
    {
        string[] lines = File.Exists(Log) ? File.ReadAllLines(Log) : [];
        return (lines.Count(l => l.StartsWith("listener fd", StringComparison.Ordinal)),
                lines.Count(l => l.StartsWith("nr=", StringComparison.Ordinal)));
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill();
        _process.WaitForExit(5000);
        _process.Dispose();
    }
}
