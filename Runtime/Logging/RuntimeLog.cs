using System;
using System.IO;
using System.Text;
using System.Text.Json;
using OciRuntime.Native.Interop;

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

    /// <summary>
    /// Opens (creates) the --log file once up front, as runc does, so a path that cannot be
    /// written fails the command instead of silently losing every later message. Null when fine.
    /// </summary>
    public static string? CheckLogFile()
    {
        if (s_path is null) return null;
        int fd = Sys.Open(s_path, O.WRONLY | O.APPEND | O.CREAT | O.CLOEXEC, 0x1a4 /* 0644 */);
        if (fd < 0)
        {
            int errno = Sys.LastErrno;
            string path = s_path;
            s_path = null; // the error about it goes to stderr alone
            return $"open {path}: {Sys.ErrnoText(errno)} (--log: the file must be creatable and writable)";
        }
        Sys.Close(fd);
        return null;
    }

    public static void Error(string message)
    {
        message = OneLine.Escape(message);
        WriteStderr(message);
        Append("error", message);
    }

    /// <summary>
    /// To --log when given, else stderr (runc's logrus does the same): in `create` without a
    /// terminal fd 2 is the container's stderr, so a warning there would land in its output (a CRI
    /// container's log file). Errors go to both: the container never runs then.
    /// </summary>
    public static void Warning(string message)
    {
        message = OneLine.Escape(message);
        if (s_path is null) WriteStderr("warning: " + message);
        else Append("warning", message);
    }

    /// <summary>A warning for the --log file only: expected on every run of its kind (rootless without a cgroup), so not worth a line on the caller's stderr.</summary>
    public static void WarningToLog(string message) => Append("warning", OneLine.Escape(message));

    /// <summary>--debug: callers test it before building an expensive message (a plan dump).</summary>
    public static bool DebugEnabled => s_debug;

    /// <summary>
    /// A --debug line: to the --log file, or, without one, to stderr as runc's logrus does
    /// (nothing at all without --debug).
    /// </summary>
    public static void Debug(string message)
    {
        if (!s_debug) return;
        message = OneLine.Escape(message);
        if (s_path is null) WriteStderr("debug: " + message);
        else Append("debug", message);
    }

    /// <summary>One debug line per line of <paramref name="text"/> (a plan dump), each prefixed.</summary>
    public static void DebugLines(string prefix, string text)
    {
        if (!s_debug) return;
        foreach (string line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries)) Debug(prefix + line);
    }

    private static void WriteStderr(string message)
    {
#if OCI_WEAKEN_SAFE_STDERR
        using Stream err = Console.OpenStandardError();
        byte[] bytes = Encoding.UTF8.GetBytes(message + "\n");
        err.Write(bytes, 0, bytes.Length);
#else
        FdWriter.WriteLine(2, message);
#endif
    }

    /// <summary>One line appended with O_APPEND (concurrent runtimes share the file); never throws.</summary>
    private static unsafe void Append(string level, string message)
    {
        if (s_path is null) return;
        string line;
        try { line = s_json ? JsonLine(level, message) : TextLine(level, message); }
        catch (Exception) { line = TextLine(level, "(message not representable)"); }
        int fd = Sys.Open(s_path, O.WRONLY | O.APPEND | O.CREAT | O.CLOEXEC, 0x1a4 /* 0644 */);
        if (fd < 0)
        {
            FdWriter.WriteLine(2, $"cannot open log file {s_path}: {Sys.ErrnoText(Sys.LastErrno)}");
            return;
        }
        byte[] bytes = Encoding.UTF8.GetBytes(line + "\n");
        // One write: the kernel appends it whole, so lines of concurrent runtimes never interleave.
        fixed (byte* p = bytes) Sys.Write(fd, p, (nuint)bytes.Length);
        Sys.Close(fd);
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
