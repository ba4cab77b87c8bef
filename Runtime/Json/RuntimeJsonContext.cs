using System.Collections.Generic;
using System.Text.Json.Serialization;
using OciRuntime.State;

namespace OciRuntime.Json;

/// <summary>Source-generated JSON for the runtime's own files and outputs (no reflection: AOT).</summary>
[JsonSourceGenerationOptions(WriteIndented = false, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ContainerRecord))]
[JsonSerializable(typeof(List<int>))]
internal sealed partial class RuntimeJsonContext : JsonSerializerContext;
