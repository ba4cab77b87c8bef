using System;
using System.Collections.Generic;
using System.Globalization;
using OciRuntime.Spec.Config;

namespace OciRuntime.Cgroups.Systemd;

/// <summary>
/// What the transient scope is told. The resource properties are derived from the very file
/// writes the cgroupfs driver plans (<see cref="ResourceWriter"/>), so both say the same thing:
/// systemd rewrites the attributes it owns (memory.*, cpu.weight, cpu.max, pids.max, cpuset.*)
/// from its unit properties whenever it re-realizes the unit (daemon-reload, a sibling's change),
/// and a value written only to the file would silently fall back to systemd's default. Files
/// systemd has no property for (io.max, hugetlb, cpu.max.burst, unified keys it does not know)
/// are written to the scope's directory afterwards, as runc 1.1.5 does.
/// </summary>
public static class UnitProperties
{
    /// <summary>CPUQuotaPerSecUSec rounds to 10 ms per second (1%) in systemd; runc rounds up to that.</summary>
    private const ulong QuotaGranularity = 10_000;
    private const ulong DefaultPeriod = 100_000;

    /// <summary>StartTransientUnit's properties for a container's scope.</summary>
    public static List<UnitProperty> ForScope(string slice, string description, int pid, LinuxResources? resources)
    {
        var p = new List<UnitProperty>
        {
            new UnitProperty.Str("Description", description),
            new UnitProperty.Str("Slice", slice),
            // The container may build its own sub-cgroups (systemd inside, nested runtimes).
            new UnitProperty.Bool("Delegate", true),
            new UnitProperty.UInt32Array("PIDs", new[] { (uint)pid }),
            // Accounting turns on the controllers in the slices above, so the scope gets them.
            new UnitProperty.Bool("MemoryAccounting", true),
            new UnitProperty.Bool("CPUAccounting", true),
            new UnitProperty.Bool("IOAccounting", true),
            new UnitProperty.Bool("TasksAccounting", true),
            // No implicit Conflicts=shutdown.target/After= ordering: the container's lifetime is
            // its caller's business, as with runc.
            new UnitProperty.Bool("DefaultDependencies", false),
        };
        p.AddRange(ForResources(ResourceWriter.Plan(resources)));
        return p;
    }

    /// <summary>
    /// The unit properties equivalent to the planned cgroup file writes (runc's
    /// genV2ResourcesProperties and unifiedResToSystemdProps, generalized to every write).
    /// </summary>
    public static List<UnitProperty> ForResources(IEnumerable<CgroupWrite> writes)
    {
        var p = new List<UnitProperty>();
        foreach (CgroupWrite w in writes)
        {
            string v = w.Value.Trim();
            switch (w.File)
            {
                case "memory.max": p.Add(new UnitProperty.UInt64("MemoryMax", Limit(v, w))); break;
                case "memory.high": p.Add(new UnitProperty.UInt64("MemoryHigh", Limit(v, w))); break;
                case "memory.low": p.Add(new UnitProperty.UInt64("MemoryLow", Limit(v, w))); break;
                case "memory.min": p.Add(new UnitProperty.UInt64("MemoryMin", Limit(v, w))); break;
                case "memory.swap.max": p.Add(new UnitProperty.UInt64("MemorySwapMax", Limit(v, w))); break;
                case "pids.max": p.Add(new UnitProperty.UInt64("TasksMax", Limit(v, w))); break;
                case "cpu.weight": p.Add(new UnitProperty.UInt64("CPUWeight", Number(v, w))); break;
                case "cpu.max": CpuMax(v, w, p); break;
                // systemd writes io.weight from IOWeight (default 100) whenever it realizes the unit.
                case "io.weight" when ulong.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out ulong iow):
                    p.Add(new UnitProperty.UInt64("IOWeight", iow)); break;
                case "cpuset.cpus": p.Add(new UnitProperty.ByteArray("AllowedCPUs", Bitmask(v, w))); break;
                case "cpuset.mems": p.Add(new UnitProperty.ByteArray("AllowedMemoryNodes", Bitmask(v, w))); break;
                // Everything else has no systemd property (or none whose semantics match): file only.
            }
        }
        return p;
    }

    /// <summary>"quota [period]" → CPUQuotaPerSecUSec (µs per CPU-second, rounded up to 1%) and CPUQuotaPeriodUSec.</summary>
    private static void CpuMax(string v, CgroupWrite w, List<UnitProperty> p)
    {
        string[] f = v.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (f.Length is < 1 or > 2) throw Bad(w, "expected \"quota [period]\"");
        ulong period = f.Length == 2 ? Number(f[1], w) : DefaultPeriod;
        if (period == 0) throw Bad(w, "the period is 0");
        if (f.Length == 2) p.Add(new UnitProperty.UInt64("CPUQuotaPeriodUSec", period));
        ulong perSec = ulong.MaxValue;
        if (f[0] != "max")
        {
            ulong quota = Number(f[0], w);
            perSec = (ulong)(((System.UInt128)quota * 1_000_000) / period);
            if (perSec % QuotaGranularity != 0) perSec = (perSec / QuotaGranularity + 1) * QuotaGranularity;
        }
        p.Add(new UnitProperty.UInt64("CPUQuotaPerSecUSec", perSec));
    }

    private static ulong Limit(string v, CgroupWrite w) => v == "max" ? ulong.MaxValue : Number(v, w);

    private static ulong Number(string v, CgroupWrite w) =>
        ulong.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out ulong n) ? n : throw Bad(w, "not a number");

    /// <summary>
    /// A cpuset list ("0-3,7") as systemd's AllowedCPUs bitmask: byte i bit j is cpu 8i+j (what
    /// runc's RangeToBits sends and systemd's cpu_set_from_dbus reads).
    /// </summary>
    public static byte[] Bitmask(string list, CgroupWrite w = default)
    {
        var bytes = new List<byte>();
        foreach (string part in list.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] range = part.Trim().Split('-');
            if (range.Length is < 1 or > 2) throw Bad(w, $"bad range \"{part}\"");
            ulong lo = Number(range[0], w), hi = range.Length == 2 ? Number(range[1], w) : lo;
            if (hi < lo) throw Bad(w, $"bad range \"{part}\"");
            if (hi >= 8192) throw Bad(w, $"cpu or node {hi} is beyond systemd's 8192");
            for (ulong i = lo; i <= hi; i++)
            {
                int b = (int)(i / 8);
                while (bytes.Count <= b) bytes.Add(0);
                bytes[b] |= (byte)(1 << (int)(i % 8));
            }
        }
        return bytes.ToArray();
    }

    private static CgroupException Bad(CgroupWrite w, string why) =>
        new($"{w.Source ?? "linux.resources"}: \"{w.Value}\" for {w.File}: {why}");
}
