using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace OciRuntime.Spec.Config;

/// <summary>config.md "POSIX-platform Hooks": <c>hooks</c>, in lifecycle order.</summary>
public sealed class HooksSpec
{
    /// <summary>Deprecated by the spec but still run (before createRuntime).</summary>
    [JsonPropertyName("prestart")] public List<HookSpec>? Prestart { get; set; }
    [JsonPropertyName("createRuntime")] public List<HookSpec>? CreateRuntime { get; set; }
    [JsonPropertyName("createContainer")] public List<HookSpec>? CreateContainer { get; set; }
    [JsonPropertyName("startContainer")] public List<HookSpec>? StartContainer { get; set; }
    [JsonPropertyName("poststart")] public List<HookSpec>? Poststart { get; set; }
    [JsonPropertyName("poststop")] public List<HookSpec>? Poststop { get; set; }
}

/// <summary>One hook: an absolute executable path, its argv and environment, optional timeout in seconds.</summary>
public sealed class HookSpec
{
    [JsonPropertyName("path")] public string Path { get; set; } = "";
    [JsonPropertyName("args")] public List<string>? Args { get; set; }
    [JsonPropertyName("env")] public List<string>? Env { get; set; }
    /// <summary>Seconds; null means no timeout. MUST be &gt; 0 when set.</summary>
    [JsonPropertyName("timeout")] public int? Timeout { get; set; }
}
