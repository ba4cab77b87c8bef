using System.Collections.Generic;
using System.Text.Json.Serialization;
using OciRuntime.Spec.Config;
using OciRuntime.Spec.Features;
using OciRuntime.Spec.State;

namespace OciRuntime.Spec.Json;

/// <summary>
/// The one source-generated JSON context for every spec document (reflection-based
/// System.Text.Json is disabled for NativeAOT). Output is indented like <c>runc spec</c>;
/// nulls are omitted so optional members stay absent. Unknown properties are skipped
/// (config.md "Extensibility"). RespectNullableAnnotations turns an explicit JSON null in a
/// non-nullable member (e.g. <c>"cwd": null</c>) into a parse error instead of a null that
/// would crash later.
/// </summary>
[JsonSourceGenerationOptions(
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    RespectNullableAnnotations = true,
    AllowTrailingCommas = false,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Disallow,
    UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Skip)]
[JsonSerializable(typeof(OciConfig))]
[JsonSerializable(typeof(ProcessSpec))]
[JsonSerializable(typeof(LinuxResources))]
[JsonSerializable(typeof(LinuxSeccomp))]
[JsonSerializable(typeof(ContainerState))]
[JsonSerializable(typeof(ContainerProcessState))]
[JsonSerializable(typeof(RuntimeFeatures))]
[JsonSerializable(typeof(List<ContainerState>))]
public sealed partial class SpecJsonContext : JsonSerializerContext
{
}
