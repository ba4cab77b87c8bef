using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace OciRuntime.Spec.Config;

/// <summary>config-linux.md: the <c>linux</c> section of config.json.</summary>
public sealed class LinuxSpec
{
    [JsonPropertyName("namespaces")] public List<LinuxNamespace>? Namespaces { get; set; }
    [JsonPropertyName("uidMappings")] public List<LinuxIdMapping>? UidMappings { get; set; }
    [JsonPropertyName("gidMappings")] public List<LinuxIdMapping>? GidMappings { get; set; }
    /// <summary>Keyed by clock name ("monotonic", "boottime").</summary>
    [JsonPropertyName("timeOffsets")] public Dictionary<string, LinuxTimeOffset>? TimeOffsets { get; set; }
    [JsonPropertyName("devices")] public List<LinuxDevice>? Devices { get; set; }
    /// <summary>Keyed by the interface name on the host.</summary>
    [JsonPropertyName("netDevices")] public Dictionary<string, LinuxNetDevice>? NetDevices { get; set; }
    [JsonPropertyName("cgroupsPath")] public string? CgroupsPath { get; set; }
    [JsonPropertyName("resources")] public LinuxResources? Resources { get; set; }
    [JsonPropertyName("intelRdt")] public LinuxIntelRdt? IntelRdt { get; set; }
    [JsonPropertyName("sysctl")] public Dictionary<string, string>? Sysctl { get; set; }
    [JsonPropertyName("seccomp")] public LinuxSeccomp? Seccomp { get; set; }
    [JsonPropertyName("rootfsPropagation")] public string? RootfsPropagation { get; set; }
    [JsonPropertyName("maskedPaths")] public List<string>? MaskedPaths { get; set; }
    [JsonPropertyName("readonlyPaths")] public List<string>? ReadonlyPaths { get; set; }
    [JsonPropertyName("mountLabel")] public string? MountLabel { get; set; }
    [JsonPropertyName("personality")] public LinuxPersonality? Personality { get; set; }
    [JsonPropertyName("memoryPolicy")] public LinuxMemoryPolicy? MemoryPolicy { get; set; }
}

/// <summary>One entry of <c>linux.namespaces</c>. No <see cref="Path"/> means "create a new one".</summary>
public sealed class LinuxNamespace
{
    [JsonPropertyName("type")] public string Type { get; set; } = "";
    [JsonPropertyName("path")] public string? Path { get; set; }
}

/// <summary>A uid/gid range mapping (user namespaces and idmapped mounts); all three members are REQUIRED.</summary>
public sealed class LinuxIdMapping
{
    [JsonIgnore] public uint ContainerId { get => ContainerIdJson ?? 0; set => ContainerIdJson = value; }
    [JsonIgnore] public uint HostId { get => HostIdJson ?? 0; set => HostIdJson = value; }
    [JsonIgnore] public uint Size { get => SizeJson ?? 0; set => SizeJson = value; }

    // Nullable JSON-facing twins let the validator report a missing member instead of silently using 0.
    [JsonInclude, JsonPropertyName("containerID")] internal uint? ContainerIdJson { get; set; }
    [JsonInclude, JsonPropertyName("hostID")] internal uint? HostIdJson { get; set; }
    [JsonInclude, JsonPropertyName("size")] internal uint? SizeJson { get; set; }
}

/// <summary>One clock offset of <c>linux.timeOffsets</c>.</summary>
public sealed class LinuxTimeOffset
{
    [JsonPropertyName("secs")] public long? Secs { get; set; }
    [JsonPropertyName("nanosecs")] public uint? Nanosecs { get; set; }
}

/// <summary>One entry of <c>linux.devices</c>: a device node to create in the container.</summary>
public sealed class LinuxDevice
{
    /// <summary>"c", "b", "u" or "p".</summary>
    [JsonPropertyName("type")] public string Type { get; set; } = "";
    [JsonPropertyName("path")] public string Path { get; set; } = "";
    /// <summary>REQUIRED unless <see cref="Type"/> is "p".</summary>
    [JsonPropertyName("major")] public long? Major { get; set; }
    [JsonPropertyName("minor")] public long? Minor { get; set; }
    /// <summary>Permission bits, decimal in JSON (438 == 0666).</summary>
    [JsonPropertyName("fileMode")] public uint? FileMode { get; set; }
    [JsonPropertyName("uid")] public uint? Uid { get; set; }
    [JsonPropertyName("gid")] public uint? Gid { get; set; }
}

/// <summary>One value of <c>linux.netDevices</c>; null <see cref="Name"/> keeps the host name.</summary>
public sealed class LinuxNetDevice
{
    [JsonPropertyName("name")] public string? Name { get; set; }
}

/// <summary><c>linux.intelRdt</c> (resctrl).</summary>
public sealed class LinuxIntelRdt
{
    [JsonPropertyName("closID")] public string? ClosId { get; set; }
    [JsonPropertyName("schemata")] public List<string>? Schemata { get; set; }
    [JsonPropertyName("l3CacheSchema")] public string? L3CacheSchema { get; set; }
    [JsonPropertyName("memBwSchema")] public string? MemBwSchema { get; set; }
    [JsonPropertyName("enableMonitoring")] public bool? EnableMonitoring { get; set; }
}

/// <summary><c>linux.personality</c> (personality(2)).</summary>
public sealed class LinuxPersonality
{
    /// <summary>"LINUX" or "LINUX32".</summary>
    [JsonPropertyName("domain")] public string Domain { get; set; } = "";
    [JsonPropertyName("flags")] public List<string>? Flags { get; set; }
}

/// <summary><c>linux.memoryPolicy</c> (set_mempolicy(2)).</summary>
public sealed class LinuxMemoryPolicy
{
    [JsonPropertyName("mode")] public string Mode { get; set; } = "";
    [JsonPropertyName("nodes")] public string? Nodes { get; set; }
    [JsonPropertyName("flags")] public List<string>? Flags { get; set; }
}
