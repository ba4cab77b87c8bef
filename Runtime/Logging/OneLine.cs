using System.Text;

namespace OciRuntime.Logging;

/// <summary>
/// Makes any message one line: config values and errno texts can carry newlines or terminal
/// escapes, and clients read the first line of stderr (or one JSON object) as the whole error.
/// </summary>
public static class OneLine
{
    public static string Escape(string message)
    {
        if (!NeedsEscape(message)) return message;
        var sb = new StringBuilder(message.Length + 16);
        for (int i = 0; i < message.Length; i++)
        {
            char c = message[i];
            if (char.IsHighSurrogate(c) && i + 1 < message.Length && char.IsLowSurrogate(message[i + 1]))
            {
                sb.Append(c).Append(message[++i]);
                continue;
            }
            switch (c)
            {
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    // A lone surrogate would make the JSON writer throw; U+2028/2029 break lines in some readers.
                    if (char.IsControl(c) || char.IsSurrogate(c) || c == '\u2028' || c == '\u2029')
                        sb.Append(c < 0x100 ? $"\\x{(int)c:x2}" : $"\\u{(int)c:x4}");
                    else
                        sb.Append(c);
                    break;
            }
        }
        return sb.ToString();
    }

    private static bool NeedsEscape(string s)
    {
        foreach (char c in s)
            if (char.IsControl(c) || char.IsSurrogate(c) || c == '\u2028' || c == '\u2029') return true;
        return false;
    }
}
