using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace OciRuntime.Spec.Config;

/// <summary>
/// config.md "Process": <c>process</c> in config.json, and the whole document of
/// <c>exec --process process.json</c>.
/// </summary>
public sealed class ProcessSpec
{
    [JsonPropertyName("terminal")] public bool? Terminal { get; set; }
    /// <summary>Ignored unless <see cref="Terminal"/> is true (config.md).</summary>
    [JsonPropertyName("consoleSize")] public ConsoleSize? ConsoleSize { get; set; }
    /// <summary>Absent in JSON means uid 0 / gid 0, like runc, so this is never null.</summary>
    [JsonPropertyName("user")] public UserSpec User { get; set; } = new();
    [JsonPropertyName("args")] public List<string>? Args { get; set; }
    /// <summary>Windows only; carried so a round trip keeps it.</summary>
    [JsonPropertyName("commandLine")] public string? CommandLine { get; set; }
    [JsonPropertyName("env")] public List<string>? Env { get; set; }
    [JsonPropertyName("cwd")] public string Cwd { get; set; } = "";
    [JsonPropertyName("capabilities")] public LinuxCapabilities? Capabilities { get; set; }
    [JsonPropertyName("rlimits")] public List<PosixRlimit>? Rlimits { get; set; }
    [JsonPropertyName("noNewPrivileges")] public bool? NoNewPrivileges { get; set; }
    [JsonPropertyName("apparmorProfile")] public string? ApparmorProfile { get; set; }
    /// <summary>Null means "do not touch oom_score_adj" (config.md).</summary>
    [JsonPropertyName("oomScoreAdj")] public int? OomScoreAdj { get; set; }
    [JsonPropertyName("scheduler")] public SchedulerSpec? Scheduler { get; set; }
    [JsonPropertyName("selinuxLabel")] public string? SelinuxLabel { get; set; }
    [JsonPropertyName("ioPriority")] public IoPrioritySpec? IoPriority { get; set; }
    [JsonPropertyName("execCPUAffinity")] public CpuAffinitySpec? ExecCpuAffinity { get; set; }
}

/// <summary><c>process.consoleSize</c>: both members are REQUIRED when the object is present.</summary>
public sealed class ConsoleSize
{
    [JsonIgnore] public ulong Height { get => HeightJson ?? 0; set => HeightJson = value; }
    [JsonIgnore] public ulong Width { get => WidthJson ?? 0; set => WidthJson = value; }

    // Nullable JSON-facing twins let the validator tell "missing" from 0.
    [JsonInclude, JsonPropertyName("height")] internal ulong? HeightJson { get; set; }
    [JsonInclude, JsonPropertyName("width")] internal ulong? WidthJson { get; set; }
}

/// <summary>config.md "POSIX-platform User" (plus Windows <c>username</c>, kept for round trips).</summary>
public sealed class UserSpec
{
    [JsonPropertyName("uid")] public uint Uid { get; set; }
    [JsonPropertyName("gid")] public uint Gid { get; set; }
    /// <summary>Null means "leave the umask of the calling process".</summary>
    [JsonPropertyName("umask")] public uint? Umask { get; set; }
    [JsonPropertyName("additionalGids")] public List<uint>? AdditionalGids { get; set; }
    [JsonPropertyName("username")] public string? Username { get; set; }
}

/// <summary><c>process.capabilities</c>: the five capability sets, each a list of CAP_* names.</summary>
public sealed class LinuxCapabilities
{
    [JsonPropertyName("bounding")] public List<string>? Bounding { get; set; }
    [JsonPropertyName("effective")] public List<string>? Effective { get; set; }
    [JsonPropertyName("inheritable")] public List<string>? Inheritable { get; set; }
    [JsonPropertyName("permitted")] public List<string>? Permitted { get; set; }
    [JsonPropertyName("ambient")] public List<string>? Ambient { get; set; }
}

/// <summary>One entry of <c>process.rlimits</c>; type, soft and hard are REQUIRED.</summary>
public sealed class PosixRlimit
{
    [JsonPropertyName("type")] public string Type { get; set; } = "";
    [JsonIgnore] public ulong Soft { get => SoftJson ?? 0; set => SoftJson = value; }
    [JsonIgnore] public ulong Hard { get => HardJson ?? 0; set => HardJson = value; }

    [JsonInclude, JsonPropertyName("soft")] internal ulong? SoftJson { get; set; }
    [JsonInclude, JsonPropertyName("hard")] internal ulong? HardJson { get; set; }
}

/// <summary><c>process.scheduler</c> (sched_setattr(2)).</summary>
public sealed class SchedulerSpec
{
    [JsonPropertyName("policy")] public string Policy { get; set; } = "";
    [JsonPropertyName("nice")] public int? Nice { get; set; }
    [JsonPropertyName("priority")] public int? Priority { get; set; }
    [JsonPropertyName("flags")] public List<string>? Flags { get; set; }
    [JsonPropertyName("runtime")] public ulong? Runtime { get; set; }
    [JsonPropertyName("deadline")] public ulong? Deadline { get; set; }
    [JsonPropertyName("period")] public ulong? Period { get; set; }
}

/// <summary><c>process.ioPriority</c> (ioprio_set(2)).</summary>
public sealed class IoPrioritySpec
{
    [JsonPropertyName("class")] public string Class { get; set; } = "";
    [JsonPropertyName("priority")] public int Priority { get; set; }
}

/// <summary><c>process.execCPUAffinity</c>: cpu lists like "0-3,7"; only used by exec.</summary>
public sealed class CpuAffinitySpec
{
    [JsonPropertyName("initial")] public string? Initial { get; set; }
    [JsonPropertyName("final")] public string? Final { get; set; }
}
