using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace OciRuntime.Commands;

/// <summary>
/// The table `runc ps` prints: the header and the rows of procps' `ps -ef` (format
/// "uid_hack,pid,ppid,c,stime,tname,time,cmd") for the container's pids, laid out with procps'
/// column rules (ps/output.c): UID is the user name, or the number when the name is wider than
/// its 8 columns, left-aligned; PID and PPID are as wide as pid_max has digits; C is the integer
/// cpu percentage of the process's life, at most 99; STIME is HH:MM when it started today, MonDD
/// this year, else the year; TTY is pts/N, ttyN or "?"; TIME is [DD-]HH:MM:SS of cpu time; CMD is
/// the command line (or [comm] when it has none, plus " &lt;defunct&gt;" for a zombie). A value
/// wider than its column pushes the rest of the line right, and the next columns' padding takes
/// the overflow back, as procps does.
/// </summary>
public static class PsTable
{
    /// <summary>The host facts the columns depend on.</summary>
    public sealed record Clock(long NowUnix, long BootUnix, double UptimeSeconds, TimeZoneInfo Zone, long Hertz = 100);

    private enum Align { Left, Right }

    private sealed record Column(string Header, int Width, Align Align);

    public static string Format(IEnumerable<PsProcessInfo> processes, Clock clock, IReadOnlyDictionary<uint, string> users, int pidDigits, bool utf8)
    {
        Column[] cols =
        {
            new("UID", 8, Align.Left),
            new("PID", Math.Max(pidDigits, 3), Align.Right),
            new("PPID", Math.Max(pidDigits, 4), Align.Right),
            new("C", 2, Align.Right),
            new("STIME", 5, Align.Right),
            new("TTY", 8, Align.Left),
            new("TIME", 8, Align.Right),
            new("CMD", 0, Align.Left),
        };
        var sb = new StringBuilder();
        Line(sb, cols, Array.ConvertAll(cols, c => c.Header));
        foreach (PsProcessInfo p in processes)
        {
            Line(sb, cols, new[]
            {
                User(p.Euid, users),
                p.Pid.ToString(CultureInfo.InvariantCulture),
                p.PPid.ToString(CultureInfo.InvariantCulture),
                Cpu(p, clock),
                StartTime(p, clock),
                Tty(p.TtyNr),
                CpuTime(p.CpuTicks / (ulong)clock.Hertz),
                Command(p, utf8),
            });
        }
        return sb.ToString();
    }

    /// <summary>procps' show_one_proc: "correct" is where a column should start, "actual" where the text got to.</summary>
    private static void Line(StringBuilder sb, Column[] cols, string[] values)
    {
        int correct = 0, actual = 0;
        for (int i = 0; i < cols.Length; i++)
        {
            string v = values[i];
            int leftPad = cols[i].Align == Align.Right ? Math.Max(cols[i].Width - v.Length, 0) : 0;
            int space = correct - actual + leftPad;
            if (space < 1) space = i == 0 ? 0 : 1;
            sb.Append(' ', space).Append(v);
            actual += space + v.Length;
            correct += cols[i].Width + 1;
        }
        sb.Append('\n');
    }

    private static string User(uint uid, IReadOnlyDictionary<uint, string> users) =>
        users.TryGetValue(uid, out string? name) && name.Length <= 8 ? name : uid.ToString(CultureInfo.InvariantCulture);

    /// <summary>procps' UTILIZATION: cpu time over elapsed time since the process started, in percent, truncated.</summary>
    public static string Cpu(PsProcessInfo p, Clock clock)
    {
        double elapsedTicks = clock.UptimeSeconds * clock.Hertz - p.StartTicks;
        uint pcpu = elapsedTicks > 0 ? (uint)Math.Min(p.CpuTicks * 100.0 / elapsedTicks, 99) : 0;
        return pcpu.ToString(CultureInfo.InvariantCulture).PadLeft(2);
    }

    public static string StartTime(PsProcessInfo p, Clock clock)
    {
        long startUnix = clock.BootUnix + (long)(p.StartTicks / (ulong)clock.Hertz);
        DateTime start = TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeSeconds(startUnix), clock.Zone).DateTime;
        DateTime now = TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeSeconds(clock.NowUnix), clock.Zone).DateTime;
        if (start.Year != now.Year) return start.Year.ToString(CultureInfo.InvariantCulture);
        if (start.DayOfYear != now.DayOfYear) return start.ToString("MMMdd", CultureInfo.InvariantCulture);
        return start.ToString("HH:mm", CultureInfo.InvariantCulture);
    }

    /// <summary>[DD-]HH:MM:SS.</summary>
    public static string CpuTime(ulong seconds)
    {
        ulong ss = seconds % 60, mm = seconds / 60 % 60, hh = seconds / 3600 % 24, dd = seconds / 86400;
        string t = $"{hh:00}:{mm:00}:{ss:00}";
        return dd > 0 ? $"{dd}-{t}" : t;
    }

    /// <summary>
    /// The controlling tty from stat's tty_nr (major = bits 8-19, minor = bits 0-7 and 20-31), named
    /// as procps names the devices found in /dev: Unix98 ptys (majors 136-143) pts/N, virtual
    /// consoles ttyN, serial ports ttySN; none "?".
    /// </summary>
    public static string Tty(int ttyNr)
    {
        if (ttyNr == 0) return "?";
        uint nr = unchecked((uint)ttyNr);
        uint major = (nr >> 8) & 0xfff, minor = (nr & 0xff) | ((nr >> 12) & 0xfff00);
        var inv = CultureInfo.InvariantCulture;
        if (major is >= 136 and <= 143) return "pts/" + ((major - 136) * 256 + minor).ToString(inv);
        if (major == 4 && minor < 64) return "tty" + minor.ToString(inv);
        if (major == 4) return "ttyS" + (minor - 64).ToString(inv);
        if (major == 5 && minor == 0) return "tty";
        if (major == 5 && minor == 1) return "console";
        return "?";
    }

    /// <summary>
    /// procps' read_unvectored + escape_str: NULs and newlines between arguments become spaces
    /// (trailing NULs are dropped, and a final space), unprintable characters become '?'; in a
    /// UTF-8 locale valid multibyte characters stay, otherwise every non-ASCII byte is '?'.
    /// </summary>
    public static string Command(PsProcessInfo p, bool utf8)
    {
        byte[] raw = p.Cmdline;
        int n = raw.Length;
        while (n > 0 && raw[n - 1] == 0) n--;
        if (n == 0)
            return "[" + Printable(Encoding.UTF8.GetBytes(p.Comm), utf8) + "]" + (p.State == 'Z' ? " <defunct>" : "");
        byte[] joined = new byte[n];
        for (int i = 0; i < n; i++) joined[i] = raw[i] is 0 or (byte)'\n' ? (byte)' ' : raw[i];
        if (n == raw.Length && joined[n - 1] == ' ') n--;
        return Printable(joined.AsSpan(0, n).ToArray(), utf8);
    }

    private static string Printable(byte[] bytes, bool utf8)
    {
        var sb = new StringBuilder(bytes.Length);
        if (!utf8)
        {
            foreach (byte b in bytes) sb.Append(b is >= 0x20 and < 0x7f ? (char)b : '?');
            return sb.ToString();
        }
        var decoder = new UTF8Encoding(false, false);
        foreach (char c in decoder.GetString(bytes))
            sb.Append(char.IsControl(c) || c == '\uFFFD' ? '?' : c);
        return sb.ToString();
    }
}
