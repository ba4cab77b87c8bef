namespace OciRuntime.Spec.Tests;

/// <summary>The schema harness itself must be able to say no, or the schema tests prove nothing.</summary>
public class SchemaAssertTests
{
    [Fact]
    public void AcceptsTheSpecExample() =>
        SchemaAssert.Valid(File.ReadAllText(Path.Combine(SchemaAssert.SchemaDir, "test/config/good/spec-example.json")));

    [Theory]
    [InlineData("linux-hugepage.json")]
    [InlineData("linux-netdevice.json")]
    [InlineData("linux-rdma.json")]
    public void RejectsTheSpecBadExamples(string file) =>
        SchemaAssert.Invalid(File.ReadAllText(Path.Combine(SchemaAssert.SchemaDir, "test/config/bad", file)));

    [Fact]
    public void RejectsAMissingOciVersion() => SchemaAssert.Invalid("{\"root\":{\"path\":\"rootfs\"}}");

    [Fact]
    public void RejectsAnUnknownNamespaceTypeThroughTwoReferences() =>
        SchemaAssert.Invalid("{\"ociVersion\":\"1.0.0\",\"linux\":{\"namespaces\":[{\"type\":\"pidd\"}]}}");

    [Fact]
    public void ChecksFeaturesDocuments()
    {
        SchemaAssert.Valid(File.ReadAllText(Path.Combine(SchemaAssert.SchemaDir, "test/features/good/runc.json")), "features-schema.json");
        SchemaAssert.Invalid(File.ReadAllText(Path.Combine(SchemaAssert.SchemaDir, "test/features/bad/missing-ociVersionMax.json")), "features-schema.json");
    }
}
