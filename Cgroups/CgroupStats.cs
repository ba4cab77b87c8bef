using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace OciRuntime.Cgroups;

/// <summary>
/// A container's usage read from its cgroup v2 files (cpu.stat, memory.current/max/stat/events,
/// memory.swap.*, pids.current/max, io.stat, hugetlb.*), converted as runc's fs2 manager does:
/// microseconds → nanoseconds, "max" → 2^64-1. A controller whose files are missing (not enabled
/// for this cgroup, or a hybrid host) reads as zeros, never as an error.
/// </summary>
public sealed class CgroupStats
{
    public ulong CpuTotal, CpuUser, CpuKernel, CpuPeriods, CpuThrottledPeriods, CpuThrottledTime;
    public ulong MemUsage, MemLimit, MemFailcnt, MemMax, SwapUsage, SwapLimit, Cache;
    public Dictionary<string, ulong> MemRaw = new(StringComparer.Ordinal);
    public ulong OomKills, OomEvents;
    public ulong PidsCurrent, PidsLimit;
    public List<IoEntry> IoBytes = new(), IoServiced = new();
    public SortedDictionary<string, (ulong Usage, ulong Max, ulong Failcnt)> Hugetlb = new(StringComparer.Ordinal);

    public readonly record struct IoEntry(ulong Major, ulong Minor, string Op, ulong Value);

    public static CgroupStats Read(string dir)
    {
        var s = new CgroupStats();
        Dictionary<string, ulong> cpu = KeyValues(Path.Combine(dir, "cpu.stat"));
        s.CpuTotal = Get(cpu, "usage_usec") * 1000;
        s.CpuUser = Get(cpu, "user_usec") * 1000;
        s.CpuKernel = Get(cpu, "system_usec") * 1000;
        s.CpuPeriods = Get(cpu, "nr_periods");
        s.CpuThrottledPeriods = Get(cpu, "nr_throttled");
        s.CpuThrottledTime = Get(cpu, "throttled_usec") * 1000;

        s.MemRaw = KeyValues(Path.Combine(dir, "memory.stat"));
        s.Cache = Get(s.MemRaw, "file");
        s.MemUsage = Single(Path.Combine(dir, "memory.current"));
        s.MemLimit = Single(Path.Combine(dir, "memory.max"));
        s.MemMax = Single(Path.Combine(dir, "memory.peak"));
        Dictionary<string, ulong> events = KeyValues(Path.Combine(dir, "memory.events"));
        s.MemFailcnt = Get(events, "max");
        s.OomEvents = Get(events, "oom");
        s.OomKills = Get(events, "oom_kill");
        // runc reports v2 swap as memory+swap, the v1 meaning of the field.
        ulong swapCur = Single(Path.Combine(dir, "memory.swap.current"));
        ulong swapMax = Single(Path.Combine(dir, "memory.swap.max"));
        s.SwapUsage = s.MemUsage + swapCur;
        s.SwapLimit = swapMax == ulong.MaxValue || s.MemLimit == ulong.MaxValue ? ulong.MaxValue : s.MemLimit + swapMax;

        s.PidsCurrent = Single(Path.Combine(dir, "pids.current"));
        s.PidsLimit = Single(Path.Combine(dir, "pids.max"));

        ReadIo(Path.Combine(dir, "io.stat"), s);
        ReadHugetlb(dir, s);
        return s;
    }

    /// <summary>The OOM-kill count alone (memory.events oom_kill), for the event stream.</summary>
    public static ulong ReadOomKills(string dir) => Get(KeyValues(Path.Combine(dir, "memory.events")), "oom_kill");

    private static void ReadIo(string file, CgroupStats s)
    {
        // "8:0 rbytes=90112 wbytes=0 rios=4 wios=0 dbytes=0 dios=0"
        foreach (string line in Lines(file))
        {
            string[] f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 2) continue;
            string[] mm = f[0].Split(':');
            if (mm.Length != 2 || !ulong.TryParse(mm[0], NumberStyles.None, CultureInfo.InvariantCulture, out ulong major)
                || !ulong.TryParse(mm[1], NumberStyles.None, CultureInfo.InvariantCulture, out ulong minor)) continue;
            for (int i = 1; i < f.Length; i++)
            {
                int eq = f[i].IndexOf('=');
                if (eq < 0 || !ulong.TryParse(f[i].AsSpan(eq + 1), NumberStyles.None, CultureInfo.InvariantCulture, out ulong v)) continue;
                switch (f[i].Substring(0, eq))
                {
                    case "rbytes": s.IoBytes.Add(new IoEntry(major, minor, "Read", v)); break;
                    case "wbytes": s.IoBytes.Add(new IoEntry(major, minor, "Write", v)); break;
                    case "rios": s.IoServiced.Add(new IoEntry(major, minor, "Read", v)); break;
                    case "wios": s.IoServiced.Add(new IoEntry(major, minor, "Write", v)); break;
                }
            }
        }
    }

    private static void ReadHugetlb(string dir, CgroupStats s)
    {
        IEnumerable<string> files;
        try { files = Directory.EnumerateFiles(dir, "hugetlb.*.current"); }
        catch (IOException) { return; }
        foreach (string f in files)
        {
            string name = Path.GetFileName(f);
            if (name.Contains(".rsvd.", StringComparison.Ordinal)) continue;
            string size = name.Substring("hugetlb.".Length, name.Length - "hugetlb.".Length - ".current".Length);
            ulong failcnt = Get(KeyValues(Path.Combine(dir, $"hugetlb.{size}.events")), "max");
            s.Hugetlb[size] = (Single(f), Single(Path.Combine(dir, $"hugetlb.{size}.max")), failcnt);
        }
    }

    private static IEnumerable<string> Lines(string file)
    {
        string[] lines;
        try { lines = File.ReadAllLines(file); }
        catch (IOException) { yield break; }
        catch (UnauthorizedAccessException) { yield break; }
        foreach (string l in lines) yield return l;
    }

    /// <summary>"key value" lines (cpu.stat, memory.stat, memory.events) → map.</summary>
    public static Dictionary<string, ulong> KeyValues(string file)
    {
        var d = new Dictionary<string, ulong>(StringComparer.Ordinal);
        foreach (string line in Lines(file))
        {
            int sp = line.IndexOf(' ');
            if (sp > 0 && ulong.TryParse(line.AsSpan(sp + 1).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out ulong v))
                d[line.Substring(0, sp)] = v;
        }
        return d;
    }

    /// <summary>A one-value file; "max" is 2^64-1 (runc's reading), missing or unparsable is 0.</summary>
    public static ulong Single(string file)
    {
        foreach (string line in Lines(file))
        {
            string t = line.Trim();
            if (t == "max") return ulong.MaxValue;
            return ulong.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out ulong v) ? v : 0;
        }
        return 0;
    }

    private static ulong Get(Dictionary<string, ulong> d, string k) => d.TryGetValue(k, out ulong v) ? v : 0;
}
