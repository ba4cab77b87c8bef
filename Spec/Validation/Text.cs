using System.Globalization;
using System.Text;

namespace OciRuntime.Spec.Validation;

/// <summary>Small string helpers shared by the rules.</summary>
internal static class Text
{
    private const int MaxQuoted = 120;

    /// <summary>
    /// The value as a JSON-style quoted string, control characters escaped and long values
    /// shortened, so an error message is always one readable line.
    /// </summary>
    public static string Quote(string? s)
    {
        if (s is null) return "null";
        var sb = new StringBuilder(s.Length + 2);
        sb.Append('"');
        int n = s.Length > MaxQuoted ? MaxQuoted : s.Length;
        for (int i = 0; i < n; i++)
        {
            char c = s[i];
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c < 0x20 || c == 0x7f) sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }
        if (n < s.Length) sb.Append("...");
        sb.Append('"');
        return sb.ToString();
    }

    public static string Num(long v) => v.ToString(CultureInfo.InvariantCulture);
    public static string Num(ulong v) => v.ToString(CultureInfo.InvariantCulture);

    public static bool IsAbsolute(string? p) => !string.IsNullOrEmpty(p) && p[0] == '/';

    public static bool HasNul(string? s) => s is not null && s.IndexOf('\0') >= 0;

    /// <summary>
    /// Checks a KEY=VALUE environment entry the way runc does (populateProcessEnvironment):
    /// returns null when valid, otherwise the reason.
    /// </summary>
    public static string? EnvProblem(string? entry)
    {
        if (entry is null) return "environment entry must be a string, got null";
        int eq = entry.IndexOf('=');
        if (eq < 0) return $"invalid environment entry {Quote(entry)}: expected KEY=VALUE (missing '=')";
        if (eq == 0) return $"invalid environment entry {Quote(entry)}: variable name must not be empty";
        if (HasNul(entry)) return $"invalid environment entry {Quote(entry)}: contains a NUL byte";
        return null;
    }

    /// <summary>
    /// Validates a kernel cpu/node list such as "0-3,7" (cpuset.cpus, set_mempolicy nodes,
    /// execCPUAffinity). Empty is valid. Returns null when valid, otherwise the reason.
    /// </summary>
    public static string? CpuListProblem(string list)
    {
        if (list.Length == 0) return null;
        foreach (var rawPart in list.Split(','))
        {
            var part = rawPart.Trim();
            if (part.Length == 0) return $"invalid list {Quote(list)}: empty element (expected e.g. \"0-3,7\")";
            int dash = part.IndexOf('-');
            string lo = dash < 0 ? part : part.Substring(0, dash).Trim();
            string hi = dash < 0 ? part : part.Substring(dash + 1).Trim();
            if (!uint.TryParse(lo, NumberStyles.None, CultureInfo.InvariantCulture, out var a) ||
                !uint.TryParse(hi, NumberStyles.None, CultureInfo.InvariantCulture, out var b))
                return $"invalid list {Quote(list)}: {Quote(part)} is not a number or range (expected e.g. \"0-3,7\")";
            if (a > b) return $"invalid list {Quote(list)}: range {Quote(part)} is reversed";
        }
        return null;
    }
}
