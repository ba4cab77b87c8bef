using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace OciRuntime.State;

/// <summary>
/// What <c>state.json</c> holds for one container: the spec's state fields plus what later
/// commands need (the init's start time guards against pid reuse; the cgroup to clean up).
/// The status is not stored: it is derived from the live process each time (ContainerStatus).
/// </summary>
public sealed class ContainerRecord
{
    [JsonPropertyName("ociVersion")] public string OciVersion { get; set; } = "";
    [JsonPropertyName("id")] public string Id { get; set; } = "";
    [JsonPropertyName("pid")] public int Pid { get; set; }
    /// <summary>Field 22 of /proc/&lt;pid&gt;/stat when the init was created.</summary>
    [JsonPropertyName("pidStartTime")] public ulong PidStartTime { get; set; }
    [JsonPropertyName("bundle")] public string Bundle { get; set; } = "";
    [JsonPropertyName("rootfs")] public string Rootfs { get; set; } = "";
    [JsonPropertyName("created")] public string Created { get; set; } = "";
    [JsonPropertyName("owner")] public string Owner { get; set; } = "";
    [JsonPropertyName("annotations")] public Dictionary<string, string>? Annotations { get; set; }
    /// <summary>Absolute path of the container's cgroup directory, or null when cgroups are off.</summary>
    [JsonPropertyName("cgroupPath")] public string? CgroupPath { get; set; }
    /// <summary>The systemd scope that owns <see cref="CgroupPath"/> (--systemd-cgroup), stopped at delete.</summary>
    [JsonPropertyName("systemdUnit")] public string? SystemdUnit { get; set; }
    /// <summary>Whether the container has its own pid namespace (kill --all walks the cgroup otherwise).</summary>
    [JsonPropertyName("ownPidNamespace")] public bool OwnPidNamespace { get; set; }
    /// <summary>Namespace paths of the init (/proc/pid/ns/*) kept for exec and for joins.</summary>
    [JsonPropertyName("namespaces")] public Dictionary<string, string>? Namespaces { get; set; }
    /// <summary>The config's hooks, kept for start (startContainer, poststart) and delete (poststop).</summary>
    [JsonPropertyName("hooks")] public OciRuntime.Spec.Config.HooksSpec? Hooks { get; set; }
    /// <summary>
    /// With startContainer hooks only: the container process's identity and seccomp profile, so
    /// those hooks run with the credentials, no_new_privs and filter the container's process gets
    /// (runc runs them from its init after setting all three).
    /// </summary>
    [JsonPropertyName("startContainerProcess")] public OciRuntime.Spec.Config.ProcessSpec? StartContainerProcess { get; set; }
    [JsonPropertyName("startContainerSeccomp")] public OciRuntime.Spec.Config.LinuxSeccomp? StartContainerSeccomp { get; set; }
    [JsonPropertyName("startContainerSetgroups")] public bool StartContainerSetgroups { get; set; }
    /// <summary>Set before the poststop hooks run, so a retried delete never runs them twice.</summary>
    [JsonPropertyName("poststopRan")] public bool PoststopRan { get; set; }
    /// <summary>A container without a mount namespace: its rootfs bind in the caller's namespace, detached at delete.</summary>
    [JsonPropertyName("hostMount")] public HostMountRecord? HostMount { get; set; }
    /// <summary>Set once start released the init; "created" then can never come back.</summary>
    [JsonPropertyName("started")] public bool Started { get; set; }
}
