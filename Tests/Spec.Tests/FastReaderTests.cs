using System.Text.Json;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using OciRuntime.Spec.Config;
using OciRuntime.Spec.Json;
using OciRuntime.Spec.Loading;

namespace OciRuntime.Spec.Tests;

/// <summary>
/// ConfigFastReader (config.json without building System.Text.Json metadata) must give exactly the
/// contract's object whenever it accepts a document, and give up whenever the contract fails, so that
/// errors keep coming from the contract.
/// </summary>
public class FastReaderTests
{
    private static Arbitrary<int> Seeds => Gen.Choose(0, int.MaxValue).ToArbitrary();

    private static OciConfig? Contract(string json)
    {
        try { return JsonSerializer.Deserialize(json, SpecJsonContext.Default.OciConfig); }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NotSupportedException or ArgumentException or FormatException or OverflowException) { return null; }
    }

    private static void AssertSame(string json, bool mustAccept)
    {
        OciConfig? fast = ConfigFastReader.TryParse(json);
        OciConfig? contract = Contract(json);
        if (mustAccept) Assert.NotNull(fast);
        if (fast is null) return;   // giving up is always allowed: the contract then parses
        Assert.True(contract is not null, "the fast reader accepted a document the contract refuses:\n" + json);
        Assert.Equal(SpecJson.Serialize(contract!), SpecJson.Serialize(fast));
    }

    [Property(MaxTest = 300)]
    public Property RandomConfigsReadAsTheContractReadsThem() => Prop.ForAll(Seeds, seed =>
        AssertSame(SpecJson.Serialize(RandomConfig.Create(seed)), mustAccept: true));

    [Fact]
    public void RealDocumentsReadAsTheContractReadsThem()
    {
        foreach (string json in Fixtures.ValidConfigJson) AssertSame(json, mustAccept: true);
    }

    private static readonly Func<JsonNode?>[] Replacements =
    {
        () => null, () => "x", () => 0, () => -1, () => 1.5, () => 4294967296L, () => true,
        () => new JsonArray(), () => new JsonObject(), () => new JsonArray((JsonNode?)null), () => 65536,
    };

    /// <summary>One value anywhere in a valid document replaced by a value of another JSON type or range.</summary>
    [Property(MaxTest = 1000)]
    public Property MutatedDocuments_AcceptedOnlyWhenTheContractAgrees() => Prop.ForAll(Seeds, seed =>
    {
        var random = new Random(seed);
        var doc = JsonNode.Parse(Fixtures.ValidConfigJson[random.Next(Fixtures.ValidConfigJson.Count)])!;
        var nodes = new List<(JsonNode Parent, string? Key, int Index)>();
        Collect(doc, nodes);
        var (parent, key, index) = nodes[random.Next(nodes.Count)];
        JsonNode? value = Replacements[random.Next(Replacements.Length)]();
        if (key is not null) parent.AsObject()[key] = value;
        else parent.AsArray()[index] = value;
        AssertSame(doc.ToJsonString(), mustAccept: false);
    });

    [Theory]
    [InlineData("{\"ociVersion\": \"1.0.2\"} x")]
    [InlineData("{\"ociVersion\": \"1.0.2\",}")]
    [InlineData("{\"ociVersion\": \"1.0.2\" /* c */}")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("{\"process\": {\"user\": null}}")]
    [InlineData("{\"linux\": {\"sysctl\": {\"a\": \"1\", \"a\": \"2\"}}}")]
    [InlineData("{\"ociVersion\": \"\\uD800\"}")]
    public void OddDocuments_AcceptedOnlyWhenTheContractAgrees(string json) => AssertSame(json, mustAccept: false);

    private static void Collect(JsonNode node, List<(JsonNode, string?, int)> into)
    {
        if (node is JsonObject o)
            foreach (var (k, v) in o.ToList()) { into.Add((node, k, -1)); if (v is not null) Collect(v, into); }
        else if (node is JsonArray a)
            for (int i = 0; i < a.Count; i++) { into.Add((node, null, i)); if (a[i] is { } v) Collect(v, into); }
    }
}
