using System;
using System.IO;
using System.Text;
using System.Text.Json;

namespace OciRuntime.Logging;

/// <summary>
/// Where the runtime's own messages go: stderr, plus the --log file in logrus text or JSON
/// lines ({"level","msg","time"}), as containerd's shim and podman read them (clients.md).
/// Failure writes exactly one error line, because podman parses the whole file as one object.
/// </summary>
public static class RuntimeLog
{
    private static string? s_path;
    private static bool s_json;
    private static bool s_debug;

    public static void Configure(string? path, bool json, bool debug)
    {
        s_path = path;
        s_json = json;
        s_debug = debug;
    }

    public static void Error(string message)
    {
        WriteStderr(message);
        Append("error", message);
    }

    public static void Warning(string message)
    {
        WriteStderr("warning: " + message);
        Append("warning", message);
    }

    public static void Debug(string message)
    {
        if (s_debug) Append("debug", message);
    }

    private static void WriteStderr(string message)
    {
        try
        {
            using Stream err = Console.OpenStandardError();
            byte[] bytes = Encoding.UTF8.GetBytes(message + "\n");
            err.Write(bytes, 0, bytes.Length);
        }
        catch (IOException)
        {
            // stderr may be a closed pipe (the shim went away); the log file still has it.
        }
    }

    private static void Append(string level, string message)
    {
        if (s_path is null) return;
        try
        {
            string line = s_json ? JsonLine(level, message) : TextLine(level, message);
            using var fs = new FileStream(s_path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
            byte[] bytes = Encoding.UTF8.GetBytes(line + "\n");
            fs.Write(bytes, 0, bytes.Length);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            WriteStderr($"cannot write log file {s_path}: {e.Message}");
        }
    }

    /// <summary>RFC 3339 in UTC with a literal Z: Go's time parser (containerd, docker) reads it; "+00:00" escaped by a JSON writer it does not.</summary>
    private static string Now() => DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    internal static string JsonLine(string level, string message)
    {
        using var ms = new MemoryStream();
        // Relaxed escaping: clients read msg verbatim and match on its words ("does not exist").
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("level", level);
            w.WriteString("msg", message);
            w.WriteString("time", Now());
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    internal static string TextLine(string level, string message)
    {
        var sb = new StringBuilder();
        sb.Append("time=\"").Append(Now()).Append("\" level=").Append(level).Append(" msg=");
        sb.Append('"').Append(message.Replace("\\", "\\\\").Replace("\"", "\\\"")).Append('"');
        return sb.ToString();
    }
}
