using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace OciRuntime.Json;

/// <summary>
/// Source-generated JSON for the runtime's own outputs (no reflection: AOT). state.json is not in
/// here: State/ContainerRecordJson reads and writes it without building a contract per command.
/// </summary>
[JsonSourceGenerationOptions(WriteIndented = false, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(List<int>))]
internal sealed partial class RuntimeJsonContext : JsonSerializerContext;
