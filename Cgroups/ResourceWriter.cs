using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using OciRuntime.Spec.Config;

namespace OciRuntime.Cgroups;

/// <summary>
/// linux.resources → the cgroup v2 file writes that implement it, with runc's conversions
/// (libcontainer/cgroups/fs2 and cgroups/utils.go), in runc's order: pids, memory, io, cpu,
/// cpuset, hugetlb, rdma, unified. Pure: the only host fact it needs (is BFQ's io.bfq.weight
/// there?) is a parameter. Devices are not files on v2: <see cref="DeviceFilter"/> handles them.
///
/// Values runc treats as "unset" (0 for memory/cpu numbers, empty strings) produce no write.
/// Fields cgroup v2 has no file for are either ignored as runc ignores them (memory.kernel,
/// kernelTCP, swappiness, disableOOMKiller, useHierarchy, blockIO.leafWeight) or refused when
/// set, because silently dropping them would drop a limit (cpu realtime, network) — see
/// docs/cgroups.md.
/// </summary>
public static class ResourceWriter
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static List<CgroupWrite> Plan(LinuxResources? r, bool bfqWeight = false)
    {
        var w = new List<CgroupWrite>();
        if (r is null) return w;
        Pids(r.Pids, w);
        Memory(r.Memory, w);
        Io(r.BlockIo, bfqWeight, w);
        Cpu(r.Cpu, w);
        Hugetlb(r.HugepageLimits, w);
        Rdma(r.Rdma, w);
        Network(r.Network);
        Unified(r.Unified, w);
        return w;
    }

    /// <summary>The controllers the writes need (sorted, distinct; core cgroup.* files need none).</summary>
    public static List<string> Controllers(IEnumerable<CgroupWrite> writes) =>
        writes.Select(x => x.Controller).Where(c => c is not null).Select(c => c!).Distinct().OrderBy(c => c, StringComparer.Ordinal).ToList();

    private static void Pids(LinuxPids? p, List<CgroupWrite> w)
    {
        // config-linux.md: -1 is "max", 0 is a real limit the runtime SHOULD apply (runc 1.1
        // treated 0 as unset; the spec since clarified it).
        if (p?.Limit is not long limit) return;
        if (limit < -1) throw new CgroupException($"linux.resources.pids.limit: {limit} is not a limit (use -1 for no limit, or 0 and up)");
        w.Add(new CgroupWrite("pids.max", limit == -1 ? "max" : limit.ToString(Inv), "linux.resources.pids.limit"));
    }

    private static void Memory(LinuxMemory? m, List<CgroupWrite> w)
    {
        if (m is null) return;
        long limit = m.Limit ?? 0, swap = m.Swap ?? 0, reservation = m.Reservation ?? 0;
        if (limit == 0 && swap == 0 && reservation == 0) return;
        long v2swap = ConvertSwap(swap, limit);
        string swapStr = NumToStr(v2swap);
        // memory.swap.max = 0 when swap == limit: "no swap" (numToStr's "" would mean unset).
        if (swapStr.Length == 0 && v2swap == 0 && swap > 0) swapStr = "0";
        if (swapStr.Length > 0)
            w.Add(new CgroupWrite("memory.swap.max", swapStr, "linux.resources.memory.swap", Optional: swapStr is "max" or "0"));
        if (NumToStr(limit) is { Length: > 0 } max) w.Add(new CgroupWrite("memory.max", max, "linux.resources.memory.limit"));
        if (NumToStr(reservation) is { Length: > 0 } low) w.Add(new CgroupWrite("memory.low", low, "linux.resources.memory.reservation"));
    }

    /// <summary>
    /// runc's ConvertMemorySwapToCgroupV2Value: the spec's swap is memory+swap (v1), v2's
    /// memory.swap.max is swap alone. -1 → -1 ("max"), 0 → 0 (unset); an unlimited memory with
    /// unset swap means unlimited swap too.
    /// </summary>
    public static long ConvertSwap(long memorySwap, long memory)
    {
        if (memory == -1 && memorySwap == 0) return -1;
        if (memorySwap == -1 || memorySwap == 0) return memorySwap;
        if (memory == 0 || memory == -1)
            throw new CgroupException("linux.resources.memory.swap: unable to set swap limit without memory limit (set memory.limit too)");
        if (memory < 0) throw new CgroupException($"linux.resources.memory.limit: invalid memory value: {memory}");
        if (memorySwap < memory)
            throw new CgroupException($"linux.resources.memory.swap: memory+swap limit ({memorySwap}) should be >= memory limit ({memory})");
        return memorySwap - memory;
    }

    /// <summary>runc's numToStr: 0 is unset (""), -1 is "max".</summary>
    public static string NumToStr(long v) => v == 0 ? "" : v == -1 ? "max" : v.ToString(Inv);

    private static void Io(LinuxBlockIo? b, bool bfq, List<CgroupWrite> w)
    {
        if (b is null) return;
        if (b.Weight is ushort weight && weight != 0)
        {
            if (bfq) w.Add(new CgroupWrite("io.bfq.weight", weight.ToString(Inv), "linux.resources.blockIO.weight"));
            else w.Add(new CgroupWrite("io.weight", BlkioToIoWeight(weight).ToString(Inv), "linux.resources.blockIO.weight"));
        }
        if (b.WeightDevice is { Count: > 0 } wd)
        {
            // Only BFQ has per-device weights; runc skips them silently without it, which would
            // drop a setting the caller asked for.
            if (!bfq)
                throw new CgroupException("linux.resources.blockIO.weightDevice: per-device weights need the BFQ I/O scheduler (io.bfq.weight); select bfq for the device (/sys/block/<dev>/queue/scheduler) or drop weightDevice");
            for (int i = 0; i < wd.Count; i++)
                if (wd[i].Weight is ushort dw)
                    w.Add(new CgroupWrite("io.bfq.weight", $"{wd[i].Major}:{wd[i].Minor} {dw}", $"linux.resources.blockIO.weightDevice[{i}]"));
        }
        Throttle(b.ThrottleReadBpsDevice, "rbps", "throttleReadBpsDevice", w);
        Throttle(b.ThrottleWriteBpsDevice, "wbps", "throttleWriteBpsDevice", w);
        Throttle(b.ThrottleReadIopsDevice, "riops", "throttleReadIOPSDevice", w);
        Throttle(b.ThrottleWriteIopsDevice, "wiops", "throttleWriteIOPSDevice", w);
    }

    private static void Throttle(List<LinuxThrottleDevice>? list, string key, string field, List<CgroupWrite> w)
    {
        if (list is null) return;
        for (int i = 0; i < list.Count; i++)
            w.Add(new CgroupWrite("io.max", $"{list[i].Major}:{list[i].Minor} {key}={list[i].Rate}", $"linux.resources.blockIO.{field}[{i}]"));
    }

    /// <summary>
    /// runc's ConvertBlkIOToIOWeightValue: blkio weight [10, 1000] → io.weight [1, 10000],
    /// 1 + (w-10)*9999/990. Out-of-range weights are clamped first (runc's unsigned arithmetic
    /// would wrap below 10 and the kernel then rejects the value).
    /// </summary>
    public static ulong BlkioToIoWeight(ushort weight)
    {
        if (weight == 0) return 0;
        ulong w = Math.Clamp((ulong)weight, 10UL, 1000UL);
        return 1 + (w - 10) * 9999 / 990;
    }

    private static void Cpu(LinuxCpu? c, List<CgroupWrite> w)
    {
        if (c is null) return;
        if ((c.RealtimeRuntime ?? 0) != 0 || (c.RealtimePeriod ?? 0) != 0)
            throw new CgroupException("linux.resources.cpu.realtimeRuntime/realtimePeriod: cgroup v2 has no realtime CPU controller (cpu.rt_* exist only in cgroup v1); remove them");
        if (c.Idle is long idle) w.Add(new CgroupWrite("cpu.idle", idle.ToString(Inv), "linux.resources.cpu.idle"));
        if (c.Shares is ulong shares && shares != 0)
            w.Add(new CgroupWrite("cpu.weight", SharesToWeight(shares).ToString(Inv), "linux.resources.cpu.shares"));
        string? burst = c.Burst is ulong b ? b.ToString(Inv) : null;
        if (burst is not null) w.Add(new CgroupWrite("cpu.max.burst", burst, "linux.resources.cpu.burst", Optional: burst == "0"));
        long quota = c.Quota ?? 0;
        ulong period = c.Period ?? 0;
        if (quota != 0 || period != 0)
        {
            string max = quota > 0 ? quota.ToString(Inv) : "max";
            if (period != 0) max += " " + period.ToString(Inv);
            w.Add(new CgroupWrite("cpu.max", max, "linux.resources.cpu.quota"));
            // The kernel checks burst <= quota: write it again once the new quota is in place.
            if (burst is not null) w.Add(new CgroupWrite("cpu.max.burst", burst, "linux.resources.cpu.burst", Optional: burst == "0"));
        }
        if (!string.IsNullOrEmpty(c.Cpus)) w.Add(new CgroupWrite("cpuset.cpus", c.Cpus, "linux.resources.cpu.cpus"));
        if (!string.IsNullOrEmpty(c.Mems)) w.Add(new CgroupWrite("cpuset.mems", c.Mems, "linux.resources.cpu.mems"));
    }

    /// <summary>
    /// runc's ConvertCPUSharesToCgroupV2Value: cpu.shares [2, 262144] → cpu.weight [1, 10000],
    /// 1 + ((shares-2)*9999)/262142. Shares are clamped to v1's range first, as the v1 kernel
    /// does (runc's unsigned arithmetic would wrap for 1).
    /// </summary>
    public static ulong SharesToWeight(ulong shares)
    {
        if (shares == 0) return 0;
        ulong s = Math.Clamp(shares, 2UL, 262144UL);
        return 1 + (s - 2) * 9999 / 262142;
    }

    private static void Hugetlb(List<LinuxHugepageLimit>? list, List<CgroupWrite> w)
    {
        if (list is null) return;
        for (int i = 0; i < list.Count; i++)
        {
            string ps = list[i].PageSize;
            if (!IsPageSize(ps))
                throw new CgroupException($"linux.resources.hugepageLimits[{i}].pageSize: \"{ps}\" is not a page size like \"2MB\" or \"1GB\"");
            string v = list[i].Limit.ToString(Inv);
            string src = $"linux.resources.hugepageLimits[{i}]";
            w.Add(new CgroupWrite($"hugetlb.{ps}.max", v, src));
            // Reserved-page accounting (Linux 5.7+) gets the same limit, so a mapping cannot
            // reserve more than it may fault in; older kernels lack the file.
            w.Add(new CgroupWrite($"hugetlb.{ps}.rsvd.max", v, src, Optional: true));
        }
    }

    private static bool IsPageSize(string s)
    {
        if (s.Length < 3 || !(s.EndsWith("KB", StringComparison.Ordinal) || s.EndsWith("MB", StringComparison.Ordinal) || s.EndsWith("GB", StringComparison.Ordinal))) return false;
        for (int i = 0; i < s.Length - 2; i++) if (s[i] < '0' || s[i] > '9') return false;
        return true;
    }

    private static void Rdma(Dictionary<string, LinuxRdma>? rdma, List<CgroupWrite> w)
    {
        if (rdma is null) return;
        foreach (string dev in rdma.Keys.OrderBy(k => k, StringComparer.Ordinal))
        {
            LinuxRdma l = rdma[dev];
            string src = $"linux.resources.rdma.{dev}";
            if (dev.Length == 0 || dev.Any(ch => ch <= ' ' || ch == '='))
                throw new CgroupException($"{src}: \"{dev}\" is not an RDMA device name");
            if (l.HcaHandles is null && l.HcaObjects is null)
                throw new CgroupException($"{src}: set hcaHandles or hcaObjects (config-linux.md: at least one)");
            string line = dev;
            if (l.HcaHandles is uint h) line += " hca_handle=" + h.ToString(Inv);
            if (l.HcaObjects is uint o) line += " hca_object=" + o.ToString(Inv);
            w.Add(new CgroupWrite("rdma.max", line, src));
        }
    }

    private static void Network(LinuxNetwork? n)
    {
        if (n is null) return;
        if (n.ClassId is not null || n.Priorities is { Count: > 0 })
            throw new CgroupException("linux.resources.network: net_cls/net_prio exist only in cgroup v1 (cgroup v2 classifies traffic with eBPF or nftables' cgroupv2 match); remove classID/priorities");
    }

    private static void Unified(Dictionary<string, string>? u, List<CgroupWrite> w)
    {
        if (u is null) return;
        foreach (string key in u.Keys.OrderBy(k => k, StringComparer.Ordinal))
        {
            CheckUnifiedKey(key);
            w.Add(new CgroupWrite(key, u[key], $"linux.resources.unified[\"{key}\"]"));
        }
    }

    /// <summary>
    /// A unified key must name a file directly inside the cgroup dir: no '/', not "." or "..",
    /// no NUL, and CONTROLLER.PARAMETER-shaped like every cgroup v2 interface file.
    /// </summary>
    public static void CheckUnifiedKey(string key)
    {
        string src = $"linux.resources.unified[\"{key}\"]";
        if (key.Length == 0 || key == "." || key == ".." || key.Contains('/') || key.Contains('\0'))
            throw new CgroupException($"{src}: a unified key must be a file name inside the cgroup (no '/', not '.' or '..')");
        int dot = key.IndexOf('.');
        if (dot <= 0 || dot == key.Length - 1)
            throw new CgroupException($"{src}: a unified key must be in the form CONTROLLER.PARAMETER (e.g. memory.high)");
    }
}
