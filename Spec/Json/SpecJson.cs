using OciRuntime.Spec.Config;
using OciRuntime.Spec.Features;
using OciRuntime.Spec.State;

namespace OciRuntime.Spec.Json;

/// <summary>Serialization shortcuts over <see cref="SpecJsonContext"/> (indented, nulls omitted).</summary>
public static class SpecJson
{
    public static string Serialize(OciConfig config) =>
        System.Text.Json.JsonSerializer.Serialize(config, SpecJsonContext.Default.OciConfig);

    public static string Serialize(ProcessSpec process) =>
        System.Text.Json.JsonSerializer.Serialize(process, SpecJsonContext.Default.ProcessSpec);

    public static string Serialize(LinuxResources resources) =>
        System.Text.Json.JsonSerializer.Serialize(resources, SpecJsonContext.Default.LinuxResources);

    public static string Serialize(ContainerState state) =>
        System.Text.Json.JsonSerializer.Serialize(state, SpecJsonContext.Default.ContainerState);

    public static string Serialize(RuntimeFeatures features) =>
        System.Text.Json.JsonSerializer.Serialize(features, SpecJsonContext.Default.RuntimeFeatures);
}
