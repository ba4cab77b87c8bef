using System.Globalization;

namespace OciRuntime.Cri;

/// <summary>
/// A container log file in the CRI format kubelet reads: one line per record,
/// "&lt;RFC 3339 nano timestamp&gt; &lt;stdout|stderr&gt; &lt;P|F&gt; &lt;content&gt;", P for a partial
/// line (split at containerd's max_container_log_line_size), F for the last piece of a line.
/// </summary>
public sealed record CriLogLine(DateTimeOffset Time, string Stream, string Tag, string Content)
{
    public static CriLogLine Parse(string line)
    {
        string[] f = line.Split(' ', 4);
        if (f.Length < 3) throw new FormatException($"not a CRI log line: \"{line}\"");
        if (!DateTimeOffset.TryParse(f[0], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) || !f[0].Contains('T'))
            throw new FormatException($"CRI log line without an RFC 3339 time: \"{line}\"");
        if (f[1] is not ("stdout" or "stderr")) throw new FormatException($"CRI log line with stream \"{f[1]}\": \"{line}\"");
        if (f[2] is not ("P" or "F")) throw new FormatException($"CRI log line with tag \"{f[2]}\": \"{line}\"");
        return new CriLogLine(t, f[1], f[2], f.Length > 3 ? f[3] : "");
    }
}

public static class CriLogFile
{
    public static List<CriLogLine> ReadAll(string file) =>
        File.Exists(file) ? File.ReadAllLines(file).Where(l => l.Length > 0).Select(CriLogLine.Parse).ToList() : [];

    /// <summary>Whole lines of one stream: P pieces joined with the F that ends them.</summary>
    public static List<string> Lines(IEnumerable<CriLogLine> records, string stream)
    {
        var lines = new List<string>();
        string pending = "";
        foreach (var r in records.Where(r => r.Stream == stream))
        {
            pending += r.Content;
            if (r.Tag == "F")
            {
                lines.Add(pending);
                pending = "";
            }
        }
        return lines;
    }
}
