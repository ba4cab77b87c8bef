using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace OciRuntime.Spec.Config;

/// <summary>
/// config-linux.md "Control groups": <c>linux.resources</c>, and the whole document of
/// <c>update --resources</c>. A null controller means "do not touch it".
/// </summary>
public sealed class LinuxResources
{
    [JsonPropertyName("devices")] public List<LinuxDeviceCgroup>? Devices { get; set; }
    [JsonPropertyName("memory")] public LinuxMemory? Memory { get; set; }
    [JsonPropertyName("cpu")] public LinuxCpu? Cpu { get; set; }
    [JsonPropertyName("pids")] public LinuxPids? Pids { get; set; }
    [JsonPropertyName("blockIO")] public LinuxBlockIo? BlockIo { get; set; }
    [JsonPropertyName("hugepageLimits")] public List<LinuxHugepageLimit>? HugepageLimits { get; set; }
    [JsonPropertyName("network")] public LinuxNetwork? Network { get; set; }
    /// <summary>Keyed by RDMA device name (e.g. "mlx5_1").</summary>
    [JsonPropertyName("rdma")] public Dictionary<string, LinuxRdma>? Rdma { get; set; }
    /// <summary>cgroup v2 file name → content, written verbatim.</summary>
    [JsonPropertyName("unified")] public Dictionary<string, string>? Unified { get; set; }
}

/// <summary>One rule of the device allow/deny list, applied in order.</summary>
public sealed class LinuxDeviceCgroup
{
    [JsonIgnore] public bool Allow { get => AllowJson ?? false; set => AllowJson = value; }
    [JsonInclude, JsonPropertyName("allow")] internal bool? AllowJson { get; set; }

    /// <summary>"a", "c" or "b"; null means all ("a").</summary>
    [JsonPropertyName("type")] public string? Type { get; set; }
    /// <summary>Null means any ("*").</summary>
    [JsonPropertyName("major")] public long? Major { get; set; }
    [JsonPropertyName("minor")] public long? Minor { get; set; }
    /// <summary>A combination of r, w, m.</summary>
    [JsonPropertyName("access")] public string? Access { get; set; }
}

/// <summary>Memory controller; byte values, -1 means unlimited.</summary>
public sealed class LinuxMemory
{
    [JsonPropertyName("limit")] public long? Limit { get; set; }
    [JsonPropertyName("reservation")] public long? Reservation { get; set; }
    /// <summary>Memory+swap limit (cgroup v1 semantics).</summary>
    [JsonPropertyName("swap")] public long? Swap { get; set; }
    [JsonPropertyName("kernel")] public long? Kernel { get; set; }
    [JsonPropertyName("kernelTCP")] public long? KernelTcp { get; set; }
    [JsonPropertyName("swappiness")] public ulong? Swappiness { get; set; }
    [JsonPropertyName("disableOOMKiller")] public bool? DisableOomKiller { get; set; }
    [JsonPropertyName("useHierarchy")] public bool? UseHierarchy { get; set; }
    [JsonPropertyName("checkBeforeUpdate")] public bool? CheckBeforeUpdate { get; set; }
}

/// <summary>cpu and cpuset controllers; times in microseconds.</summary>
public sealed class LinuxCpu
{
    [JsonPropertyName("shares")] public ulong? Shares { get; set; }
    [JsonPropertyName("quota")] public long? Quota { get; set; }
    [JsonPropertyName("burst")] public ulong? Burst { get; set; }
    [JsonPropertyName("period")] public ulong? Period { get; set; }
    [JsonPropertyName("realtimeRuntime")] public long? RealtimeRuntime { get; set; }
    [JsonPropertyName("realtimePeriod")] public ulong? RealtimePeriod { get; set; }
    [JsonPropertyName("cpus")] public string? Cpus { get; set; }
    [JsonPropertyName("mems")] public string? Mems { get; set; }
    [JsonPropertyName("idle")] public long? Idle { get; set; }
}

/// <summary>pids controller; -1 means no limit ("max"), 0 is a real limit.</summary>
public sealed class LinuxPids
{
    [JsonPropertyName("limit")] public long? Limit { get; set; }
}

/// <summary>blkio (v1) / io (v2) controller.</summary>
public sealed class LinuxBlockIo
{
    [JsonPropertyName("weight")] public ushort? Weight { get; set; }
    [JsonPropertyName("leafWeight")] public ushort? LeafWeight { get; set; }
    [JsonPropertyName("weightDevice")] public List<LinuxWeightDevice>? WeightDevice { get; set; }
    [JsonPropertyName("throttleReadBpsDevice")] public List<LinuxThrottleDevice>? ThrottleReadBpsDevice { get; set; }
    [JsonPropertyName("throttleWriteBpsDevice")] public List<LinuxThrottleDevice>? ThrottleWriteBpsDevice { get; set; }
    [JsonPropertyName("throttleReadIOPSDevice")] public List<LinuxThrottleDevice>? ThrottleReadIopsDevice { get; set; }
    [JsonPropertyName("throttleWriteIOPSDevice")] public List<LinuxThrottleDevice>? ThrottleWriteIopsDevice { get; set; }
}

/// <summary>A per-device weight; major/minor REQUIRED, at least one of weight/leafWeight.</summary>
public sealed class LinuxWeightDevice
{
    [JsonIgnore] public long Major { get => MajorJson ?? 0; set => MajorJson = value; }
    [JsonIgnore] public long Minor { get => MinorJson ?? 0; set => MinorJson = value; }
    [JsonInclude, JsonPropertyName("major")] internal long? MajorJson { get; set; }
    [JsonInclude, JsonPropertyName("minor")] internal long? MinorJson { get; set; }

    [JsonPropertyName("weight")] public ushort? Weight { get; set; }
    [JsonPropertyName("leafWeight")] public ushort? LeafWeight { get; set; }
}

/// <summary>A per-device rate limit (bytes/s or IO/s); major, minor and rate REQUIRED.</summary>
public sealed class LinuxThrottleDevice
{
    [JsonIgnore] public long Major { get => MajorJson ?? 0; set => MajorJson = value; }
    [JsonIgnore] public long Minor { get => MinorJson ?? 0; set => MinorJson = value; }
    [JsonIgnore] public ulong Rate { get => RateJson ?? 0; set => RateJson = value; }
    [JsonInclude, JsonPropertyName("major")] internal long? MajorJson { get; set; }
    [JsonInclude, JsonPropertyName("minor")] internal long? MinorJson { get; set; }
    [JsonInclude, JsonPropertyName("rate")] internal ulong? RateJson { get; set; }
}

/// <summary>One hugetlb limit; pageSize like "2MB" (base 1024), limit in bytes.</summary>
public sealed class LinuxHugepageLimit
{
    [JsonPropertyName("pageSize")] public string PageSize { get; set; } = "";
    [JsonIgnore] public ulong Limit { get => LimitJson ?? 0; set => LimitJson = value; }
    [JsonInclude, JsonPropertyName("limit")] internal ulong? LimitJson { get; set; }
}

/// <summary>net_cls / net_prio controllers.</summary>
public sealed class LinuxNetwork
{
    [JsonPropertyName("classID")] public uint? ClassId { get; set; }
    [JsonPropertyName("priorities")] public List<LinuxInterfacePriority>? Priorities { get; set; }
}

/// <summary>net_prio priority of one host interface; both members REQUIRED.</summary>
public sealed class LinuxInterfacePriority
{
    [JsonPropertyName("name")] public string Name { get; set; } = "";
    [JsonIgnore] public uint Priority { get => PriorityJson ?? 0; set => PriorityJson = value; }
    [JsonInclude, JsonPropertyName("priority")] internal uint? PriorityJson { get; set; }
}

/// <summary>rdma controller limits of one device; at least one member MUST be set.</summary>
public sealed class LinuxRdma
{
    [JsonPropertyName("hcaHandles")] public uint? HcaHandles { get; set; }
    [JsonPropertyName("hcaObjects")] public uint? HcaObjects { get; set; }
}
