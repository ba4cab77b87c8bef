using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using OciRuntime.Spec.Json;
using OciRuntime.Spec.Loading;
using OciRuntime.Spec.Validation;

namespace OciRuntime.Spec.Tests;

public class RoundTripProperties
{
    private static Arbitrary<int> Seeds => Gen.Choose(0, int.MaxValue).ToArbitrary();

    /// <summary>parse(serialize(c)) == c, compared as normalized JSON (structure and every value).</summary>
    [Property(MaxTest = 300)]
    public Property ParseOfSerializeIsIdentity() => Prop.ForAll(Seeds, seed =>
    {
        var config = RandomConfig.Create(seed);
        string first = SpecJson.Serialize(config);
        string second = SpecJson.Serialize(ConfigLoader.Parse(first));
        Assert.Equal(first, second);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(first), JsonNode.Parse(second)));
        // Whatever the content, validation reports instead of throwing.
        _ = ConfigValidator.Validate(ConfigLoader.Parse(first));
    });

    /// <summary>
    /// Re-serializing a real document keeps every value; only properties the spec no longer
    /// defines are dropped (spec-example.json still carries the pre-1.0 linux.resources.oomScoreAdj).
    /// </summary>
    [Fact]
    public void ExampleDocumentsSurviveARoundTrip()
    {
        var dropped = new List<string>();
        foreach (var json in Fixtures.ValidConfigJson)
        {
            var original = JsonNode.Parse(json)!;
            var reserialized = JsonNode.Parse(SpecJson.Serialize(ConfigLoader.Parse(json)))!;
            Compare(original, reserialized, "", dropped);
        }
        Assert.Equal(new[] { ".linux.resources.oomScoreAdj" }, dropped);
    }

    private static void Compare(JsonNode? original, JsonNode? copy, string path, List<string> dropped)
    {
        if (original is JsonObject o && copy is JsonObject c)
        {
            foreach (var (key, value) in o)
            {
                if (!c.TryGetPropertyValue(key, out var other)) dropped.Add(path + "." + key);
                else Compare(value, other, path + "." + key, dropped);
            }
            Assert.True(c.Count <= o.Count, $"{path}: properties were added");
        }
        else if (original is JsonArray a && copy is JsonArray b)
        {
            Assert.Equal(a.Count, b.Count);
            for (int i = 0; i < a.Count; i++) Compare(a[i], b[i], $"{path}[{i}]", dropped);
        }
        else Assert.True(JsonNode.DeepEquals(original, copy), $"{path}: {original?.ToJsonString()} became {copy?.ToJsonString()}");
    }
}
