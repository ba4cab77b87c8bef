namespace OciRuntime.Conformance;

/// <summary>
/// Validates JSON documents against the OCI runtime-spec JSON schemas in /work/shared/oci-runtime-spec/schema
/// (override with OCI_SPEC_SCHEMA_DIR) with a real JSON-schema validator: python3-jsonschema via
/// validate_schema.py (RefResolver rooted at the schema dir).
/// </summary>
public static class SchemaValidator
{
    public const string Python = "/usr/bin/python3";

    public static string SchemaDir
    {
        get
        {
            string? env = Environment.GetEnvironmentVariable("OCI_SPEC_SCHEMA_DIR");
            if (!string.IsNullOrEmpty(env)) return env;
            foreach (var candidate in new[]
                     {
                         "/work/shared/oci-runtime-spec/schema",
                         Path.Combine(TestEnv.RepoRoot, "..", "shared", "oci-runtime-spec", "schema"),
                     })
                if (File.Exists(Path.Combine(candidate, "config-schema.json"))) return Path.GetFullPath(candidate);
            throw new InvalidOperationException("OCI runtime-spec schemas not found; set OCI_SPEC_SCHEMA_DIR");
        }
    }

    /// <summary>Returns (valid, errors) for the JSON text against SCHEMA_DIR/schemaFile.</summary>
    public static (bool Valid, string Errors) Validate(string schemaFile, string json)
    {
        if (!File.Exists(Python)) throw new InvalidOperationException($"{Python} missing: apt-get install python3-jsonschema");
        string script = Path.Combine(AppContext.BaseDirectory, "validate_schema.py");
        string doc = Path.Combine(TestEnv.NewDir("schema"), Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(doc, json);
        var r = ProcessRunner.Run(Python, [script, Path.Combine(SchemaDir, schemaFile), doc]);
        if (r.ExitCode > 1 || r.Stderr.Contains("Traceback"))
            throw new InvalidOperationException("schema validator crashed (is python3-jsonschema installed?)\n" + r.Describe());
        return (r.ExitCode == 0, r.Stdout);
    }
}
