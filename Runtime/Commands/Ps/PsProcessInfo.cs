using System;
using System.Globalization;
using System.IO;

namespace OciRuntime.Commands;

/// <summary>
/// What `ps -ef` shows of one process, read from /proc/&lt;pid&gt;/stat, status and cmdline as
/// procps reads them. <see cref="Cmdline"/> is the raw file (NUL-separated arguments);
/// <see cref="TtyNr"/> is stat's tty_nr (the kernel's new_encode_dev of the controlling tty).
/// </summary>
public sealed record PsProcessInfo(
    int Pid, int PPid, uint Euid, char State, string Comm, int TtyNr,
    ulong CpuTicks, ulong StartTicks, byte[] Cmdline)
{
    /// <summary>Null when the process is gone (it exited between the cgroup listing and now).</summary>
    public static PsProcessInfo? Read(int pid, string proc = "/proc")
    {
        try
        {
            string dir = Path.Combine(proc, pid.ToString(CultureInfo.InvariantCulture));
            PsProcessInfo? p = ParseStat(File.ReadAllText(Path.Combine(dir, "stat")), EffectiveUid(File.ReadAllText(Path.Combine(dir, "status"))));
            if (p is null) return null;
            return p with { Cmdline = File.ReadAllBytes(Path.Combine(dir, "cmdline")) };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// /proc/&lt;pid&gt;/stat: "pid (comm) state ppid pgrp session tty_nr tpgid flags minflt cminflt
    /// majflt cmajflt utime stime cutime cstime priority nice num_threads itrealvalue starttime ...".
    /// comm may hold spaces and parentheses, so it ends at the LAST ')'.
    /// </summary>
    public static PsProcessInfo? ParseStat(string stat, uint euid)
    {
        int open = stat.IndexOf('('), close = stat.LastIndexOf(')');
        if (open < 0 || close < open) return null;
        string[] f = stat.Substring(close + 1).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (f.Length < 20) return null;
        var inv = CultureInfo.InvariantCulture;
        return new PsProcessInfo(
            Pid: int.Parse(stat.AsSpan(0, open).Trim(), inv),
            PPid: int.Parse(f[1], inv),
            Euid: euid,
            State: f[0][0],
            Comm: stat.Substring(open + 1, close - open - 1),
            TtyNr: int.Parse(f[4], inv),
            CpuTicks: ulong.Parse(f[11], inv) + ulong.Parse(f[12], inv),
            StartTicks: ulong.Parse(f[19], inv),
            Cmdline: Array.Empty<byte>());
    }

    /// <summary>The effective uid: the second number of status's "Uid:" line (real, effective, saved, fs).</summary>
    public static uint EffectiveUid(string status)
    {
        foreach (string line in status.Split('\n'))
        {
            if (!line.StartsWith("Uid:", StringComparison.Ordinal)) continue;
            string[] ids = line.Substring(4).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (ids.Length > 1 && uint.TryParse(ids[1], NumberStyles.None, CultureInfo.InvariantCulture, out uint euid)) return euid;
        }
        return uint.MaxValue;
    }
}
