using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace OciRuntime.Spec.Config;

/// <summary>
/// config.md: the root of <c>config.json</c>. Optional members are nullable so that "absent"
/// and "zero/empty" stay distinguishable; unknown JSON properties are ignored (config.md
/// "Extensibility": runtimes MUST ignore unknown properties). Platform sections other than
/// <c>linux</c> (windows, solaris, vm, zos, freebsd) are deliberately not modelled.
/// </summary>
public sealed class OciConfig
{
    [JsonPropertyName("ociVersion")] public string OciVersion { get; set; } = "";
    [JsonPropertyName("root")] public RootSpec? Root { get; set; }
    [JsonPropertyName("mounts")] public List<MountSpec>? Mounts { get; set; }
    [JsonPropertyName("process")] public ProcessSpec? Process { get; set; }
    [JsonPropertyName("hostname")] public string? Hostname { get; set; }
    [JsonPropertyName("domainname")] public string? Domainname { get; set; }
    [JsonPropertyName("hooks")] public HooksSpec? Hooks { get; set; }
    [JsonPropertyName("annotations")] public Dictionary<string, string>? Annotations { get; set; }
    [JsonPropertyName("linux")] public LinuxSpec? Linux { get; set; }
}

/// <summary>config.md "Root": <c>root</c>.</summary>
public sealed class RootSpec
{
    /// <summary>Absolute, or relative to the bundle directory (see <c>LoadedConfig.RootfsPath</c>).</summary>
    [JsonPropertyName("path")] public string Path { get; set; } = "";
    [JsonPropertyName("readonly")] public bool? Readonly { get; set; }
}

/// <summary>config.md "Mounts": one entry of <c>mounts</c>.</summary>
public sealed class MountSpec
{
    [JsonPropertyName("destination")] public string Destination { get; set; } = "";
    [JsonPropertyName("source")] public string? Source { get; set; }
    [JsonPropertyName("type")] public string? Type { get; set; }
    [JsonPropertyName("options")] public List<string>? Options { get; set; }
    /// <summary>Idmapped mount (MOUNT_ATTR_IDMAP); MUST come together with <see cref="GidMappings"/>.</summary>
    [JsonPropertyName("uidMappings")] public List<LinuxIdMapping>? UidMappings { get; set; }
    [JsonPropertyName("gidMappings")] public List<LinuxIdMapping>? GidMappings { get; set; }
}
