using System;

namespace OciRuntime.Native.Plan;

/// <summary>
/// A string given to the kernel ends at its first NUL byte: "/bin/sh\0-c evil" would silently
/// become "/bin/sh". Every string a plan carries goes through here, so such a config is refused
/// instead of meaning something else than it says.
/// </summary>
public static class PlanStrings
{
    public static void EnsureNoNul(string s)
    {
        int at = s.IndexOf('\0');
        if (at >= 0)
            throw new PlanStringException($"a string contains a NUL byte at offset {at} (\"{Escape(s)}\"); the kernel would cut it there: remove the NUL from config.json");
    }

    /// <summary>Control characters as \xNN, at most 200 characters: error messages stay one line.</summary>
    public static string Escape(string s)
    {
        var b = new System.Text.StringBuilder();
        foreach (char c in s)
        {
            if (b.Length >= 200) { b.Append("..."); break; }
            if (c < 0x20 || c == 0x7f) b.Append("\\x").Append(((int)c).ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            else b.Append(c);
        }
        return b.ToString();
    }
}

/// <summary>A config string the plan cannot carry (it holds a NUL byte).</summary>
public sealed class PlanStringException : Exception
{
    public PlanStringException(string message) : base(message) { }
}
