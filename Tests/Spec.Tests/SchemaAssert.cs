using System.Collections.Concurrent;
using System.Text.Json;
using Json.Schema;

namespace OciRuntime.Spec.Tests;

/// <summary>
/// Validates JSON text against the runtime-spec JSON schemas (schema/*.json) with JsonSchema.Net.
/// Self-contained on purpose: other test projects link this file to check their own output
/// (e.g. <c>features</c> against features-schema.json).
/// The schemas declare draft-04, which JsonSchema.Net does not implement; they use no
/// draft-04-only keyword, so they are evaluated as draft-07. Every sibling file is registered
/// under its file URI so that "defs.json#/..." references resolve; the platform files the
/// spec does not ship here (config-windows.json, ...) are registered as empty schemas.
/// </summary>
public static class SchemaAssert
{
    /// <summary>The runtime-spec checkout: $OCI_RUNTIME_SPEC_DIR or /work/shared/oci-runtime-spec.</summary>
    public static string SpecDir =>
        Environment.GetEnvironmentVariable("OCI_RUNTIME_SPEC_DIR") is { Length: > 0 } d ? d : "/work/shared/oci-runtime-spec";

    public static string SchemaDir => Path.Combine(SpecDir, "schema");

    private static readonly string[] AbsentPlatformSchemas =
    {
        "config-solaris.json", "config-windows.json", "config-vm.json", "config-zos.json", "config-freebsd.json",
    };

    private static readonly ConcurrentDictionary<string, JsonSchema> Cache = new();
    private static readonly object BuildLock = new();
    private static BuildOptions? _options;

    /// <summary>Fails the test, listing every violation, unless <paramref name="json"/> is valid against the schema.</summary>
    public static void Valid(string json, string schemaFile = "config-schema.json")
    {
        var errors = Errors(json, schemaFile);
        if (errors.Count > 0)
            throw new Xunit.Sdk.XunitException($"JSON is not valid against {schemaFile}:\n  " + string.Join("\n  ", errors) + "\n--- document ---\n" + json);
    }

    /// <summary>Fails the test unless <paramref name="json"/> violates the schema.</summary>
    public static void Invalid(string json, string schemaFile = "config-schema.json")
    {
        if (Errors(json, schemaFile).Count == 0)
            throw new Xunit.Sdk.XunitException($"JSON unexpectedly valid against {schemaFile}:\n{json}");
    }

    /// <summary>Every violation as "instance-location: message"; empty when valid.</summary>
    public static IReadOnlyList<string> Errors(string json, string schemaFile = "config-schema.json")
    {
        var schema = Load(schemaFile);
        using var doc = JsonDocument.Parse(json);
        var result = schema.Evaluate(doc.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        var list = new List<string>();
        if (result.IsValid) return list;
        foreach (var d in result.Details ?? (IReadOnlyList<EvaluationResults>)Array.Empty<EvaluationResults>())
            if (d.Errors is { Count: > 0 })
                foreach (var (keyword, message) in d.Errors)
                    list.Add($"{d.InstanceLocation}: {keyword}: {message}");
        if (list.Count == 0) list.Add("invalid (no details reported)");
        return list;
    }

    private static JsonSchema Load(string schemaFile)
    {
        lock (BuildLock)
        {
            _options ??= BuildRegistry();
            return Cache.GetOrAdd(schemaFile, f => Build(f, _options));
        }
    }

    private static BuildOptions BuildRegistry()
    {
        // Files without "$schema" (defs.json, config-linux.json) must not fall to the strict default dialect.
        var options = new BuildOptions { SchemaRegistry = new SchemaRegistry(), Dialect = Dialect.Draft07 };
        foreach (var name in AbsentPlatformSchemas)
            if (!File.Exists(Path.Combine(SchemaDir, name)))
                options.SchemaRegistry.Register(FileUri(name), JsonSchema.FromText("{}", options, FileUri(name)));
        // Leaves first, so that each file's references are registered before it is built.
        foreach (var name in new[] { "defs.json", "defs-linux.json", "config-linux.json", "features-linux.json" })
            Cache[name] = Build(name, options);
        return options;
    }

    private static JsonSchema Build(string name, BuildOptions options)
    {
        string text = File.ReadAllText(Path.Combine(SchemaDir, name))
            .Replace("http://json-schema.org/draft-04/schema#", "http://json-schema.org/draft-07/schema#");
        var schema = JsonSchema.FromText(text, options, FileUri(name));
        options.SchemaRegistry.Register(FileUri(name), schema);
        return schema;
    }

    private static Uri FileUri(string name) => new("file://" + Path.Combine(SchemaDir, name));
}
