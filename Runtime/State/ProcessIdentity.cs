using System;
using System.IO;

namespace OciRuntime.State;

/// <summary>Reads /proc/&lt;pid&gt;/stat to tell a live process from a zombie or a reused pid.</summary>
public static class ProcessIdentity
{
    public readonly record struct Stat(char State, ulong StartTime);

    public static Stat? Read(int pid)
    {
        if (pid <= 0) return null;
        string text;
        try { text = File.ReadAllText($"/proc/{pid}/stat"); }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
        // comm may contain spaces and parentheses: fields start after the last ')'.
        int close = text.LastIndexOf(')');
        if (close < 0 || close + 2 >= text.Length) return null;
        string[] f = text.Substring(close + 2).Split(' ');
        // f[0] is field 3 (state); starttime is field 22 → f[19].
        if (f.Length < 20 || f[0].Length == 0) return null;
        if (!ulong.TryParse(f[19], out ulong start)) return null;
        return new Stat(f[0][0], start);
    }

    /// <summary>True when <paramref name="pid"/> is still the process we started and has not exited.</summary>
    public static bool IsAlive(int pid, ulong startTime)
    {
        Stat? s = Read(pid);
        return s is { } st && st.StartTime == startTime && st.State != 'Z' && st.State != 'X';
    }
}
