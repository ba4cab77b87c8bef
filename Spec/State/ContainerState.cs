using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace OciRuntime.Spec.State;

/// <summary>
/// runtime.md "State" (schema/state-schema.json): what <c>state</c> prints and what hooks
/// receive on stdin.
/// </summary>
public sealed class ContainerState
{
    [JsonPropertyName("ociVersion")] public string OciVersion { get; set; } = "";
    [JsonPropertyName("id")] public string Id { get; set; } = "";
    /// <summary>One of <see cref="ContainerStatus"/>'s values.</summary>
    [JsonPropertyName("status")] public string Status { get; set; } = ContainerStatus.Creating;
    /// <summary>REQUIRED when created or running; runc prints 0 once stopped, so it is always written.</summary>
    [JsonPropertyName("pid")] public int Pid { get; set; }
    /// <summary>Absolute path of the bundle directory.</summary>
    [JsonPropertyName("bundle")] public string Bundle { get; set; } = "";
    [JsonPropertyName("annotations")] public Dictionary<string, string>? Annotations { get; set; }
}

/// <summary>The status strings defined by runtime.md.</summary>
public static class ContainerStatus
{
    public const string Creating = "creating";
    public const string Created = "created";
    public const string Running = "running";
    public const string Stopped = "stopped";
}

/// <summary>
/// config-linux.md "The Container Process State": sent to a seccomp listener
/// (<c>linux.seccomp.listenerPath</c>) together with the seccomp fd.
/// </summary>
public sealed class ContainerProcessState
{
    [JsonPropertyName("ociVersion")] public string OciVersion { get; set; } = "";
    [JsonPropertyName("fds")] public List<string>? Fds { get; set; }
    [JsonPropertyName("pid")] public int Pid { get; set; }
    [JsonPropertyName("metadata")] public string? Metadata { get; set; }
    [JsonPropertyName("state")] public ContainerState State { get; set; } = new();
}
