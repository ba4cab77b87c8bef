using System.IO;
using System.Text;
using System.Text.Json;

namespace OciRuntime.Cgroups;

/// <summary>
/// runc's `events` JSON (types/events.go): {"type":"stats","id":ID,"data":{cpu, cpuset, memory,
/// pids, blkio, hugetlb, intel_rdt, network_interfaces}} on one line, with Go's omitempty rules
/// (zero numbers and empty lists dropped where runc drops them, structs always present).
/// Written by hand with Utf8JsonWriter: no reflection, and the shape is runc's, not a C# type's.
/// </summary>
public static class StatsJson
{
    public static string Stats(string id, CgroupStats s)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            w.WriteString("type", "stats");
            w.WriteString("id", id);
            w.WriteStartObject("data");

            w.WriteStartObject("cpu");
            w.WriteStartObject("usage");
            NonZero(w, "total", s.CpuTotal);
            w.WriteNumber("kernel", s.CpuKernel);
            w.WriteNumber("user", s.CpuUser);
            w.WriteEndObject();
            w.WriteStartObject("throttling");
            NonZero(w, "periods", s.CpuPeriods);
            NonZero(w, "throttledPeriods", s.CpuThrottledPeriods);
            NonZero(w, "throttledTime", s.CpuThrottledTime);
            w.WriteEndObject();
            w.WriteEndObject();

            w.WriteStartObject("cpuset");
            w.WriteEndObject();

            w.WriteStartObject("memory");
            NonZero(w, "cache", s.Cache);
            Entry(w, "usage", s.MemLimit, s.MemUsage, s.MemMax, s.MemFailcnt);
            Entry(w, "swap", s.SwapLimit, s.SwapUsage, 0, 0);
            Entry(w, "kernel", 0, 0, 0, 0);
            Entry(w, "kernelTCP", 0, 0, 0, 0);
            if (s.MemRaw.Count > 0)
            {
                w.WriteStartObject("raw");
                foreach (var kv in s.MemRaw) w.WriteNumber(kv.Key, kv.Value);
                w.WriteEndObject();
            }
            w.WriteEndObject();

            w.WriteStartObject("pids");
            NonZero(w, "current", s.PidsCurrent);
            NonZero(w, "limit", s.PidsLimit);
            w.WriteEndObject();

            w.WriteStartObject("blkio");
            Io(w, "ioServiceBytesRecursive", s.IoBytes);
            Io(w, "ioServicedRecursive", s.IoServiced);
            w.WriteEndObject();

            w.WriteStartObject("hugetlb");
            foreach (var kv in s.Hugetlb)
            {
                w.WriteStartObject(kv.Key);
                NonZero(w, "usage", kv.Value.Usage);
                NonZero(w, "max", kv.Value.Max);
                w.WriteNumber("failcnt", kv.Value.Failcnt);
                w.WriteEndObject();
            }
            w.WriteEndObject();

            w.WriteStartObject("intel_rdt");
            w.WriteEndObject();
            w.WriteNull("network_interfaces");

            w.WriteEndObject();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    /// <summary>{"type":"oom","id":ID}: what runc prints when the container's OOM counter moves.</summary>
    public static string Oom(string id)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            w.WriteString("type", "oom");
            w.WriteString("id", id);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    private static void Entry(Utf8JsonWriter w, string name, ulong limit, ulong usage, ulong max, ulong failcnt)
    {
        w.WriteStartObject(name);
        w.WriteNumber("limit", limit);
        NonZero(w, "usage", usage);
        NonZero(w, "max", max);
        w.WriteNumber("failcnt", failcnt);
        w.WriteEndObject();
    }

    private static void Io(Utf8JsonWriter w, string name, System.Collections.Generic.List<CgroupStats.IoEntry> list)
    {
        if (list.Count == 0) return;
        w.WriteStartArray(name);
        foreach (var e in list)
        {
            w.WriteStartObject();
            NonZero(w, "major", e.Major);
            NonZero(w, "minor", e.Minor);
            w.WriteString("op", e.Op);
            NonZero(w, "value", e.Value);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static void NonZero(Utf8JsonWriter w, string name, ulong v)
    {
        if (v != 0) w.WriteNumber(name, v);
    }
}
