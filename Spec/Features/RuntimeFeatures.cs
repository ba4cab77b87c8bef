using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace OciRuntime.Spec.Features;

/// <summary>
/// features.md: the document printed by <c>features</c>. Every member except the two
/// versions is optional; null (omitted) means "unknown", which the spec distinguishes
/// from an empty list or false.
/// </summary>
public sealed class RuntimeFeatures
{
    [JsonPropertyName("ociVersionMin")] public string OciVersionMin { get; set; } = "";
    [JsonPropertyName("ociVersionMax")] public string OciVersionMax { get; set; } = "";
    [JsonPropertyName("hooks")] public List<string>? Hooks { get; set; }
    [JsonPropertyName("mountOptions")] public List<string>? MountOptions { get; set; }
    [JsonPropertyName("linux")] public LinuxFeatures? Linux { get; set; }
    [JsonPropertyName("annotations")] public Dictionary<string, string>? Annotations { get; set; }
    [JsonPropertyName("potentiallyUnsafeConfigAnnotations")] public List<string>? PotentiallyUnsafeConfigAnnotations { get; set; }
}
