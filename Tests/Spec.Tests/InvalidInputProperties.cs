using System.Text;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using OciRuntime.Spec.Config;
using OciRuntime.Spec.Json;
using OciRuntime.Spec.Loading;
using OciRuntime.Spec.Validation;

namespace OciRuntime.Spec.Tests;

/// <summary>Random invalid input: always a SpecError naming the right path, never another exception.</summary>
public class InvalidInputProperties
{
    private static Arbitrary<(int Base, int Mutation, int Seed)> Cases =>
        (from b in Gen.Choose(0, 1000)
         from m in Gen.Choose(0, Mutations.All.Length - 1)
         from s in Gen.Choose(0, int.MaxValue)
         select (b, m, s)).ToArbitrary();

    [Fact]
    public void EveryBaseConfigIsValid()
    {
        for (int i = 0; i < Fixtures.ValidConfigJson.Count; i++)
            Assert.Empty(ConfigValidator.Validate(Fixtures.ValidConfig(i)));
    }

    [Property(MaxTest = 500)]
    public Property MutatedConfigsReportTheMutatedPath() => Prop.ForAll(Cases, t =>
    {
        var config = Fixtures.ValidConfig(t.Base);
        var (name, apply) = Mutations.All[t.Mutation];
        var (path, fragment) = apply(config, new Random(t.Seed));

        // Directly on the object, and through the whole JSON pipeline.
        AssertReported(ConfigValidator.Validate(config), name, path, fragment);
        AssertReported(ConfigValidator.Validate(ConfigLoader.Parse(SpecJson.Serialize(config))), name, path, fragment);
    });

    private static void AssertReported(IReadOnlyList<SpecError> errors, string name, string path, string fragment) =>
        Assert.True(errors.Any(e => e.Path == path && e.Message.Contains(fragment, StringComparison.Ordinal)),
            $"mutation '{name}': expected an error at {path} containing '{fragment}', got:\n  " + string.Join("\n  ", errors));

    [Fact]
    public void EveryMutationIsExercised()
    {
        // Each mutation once, on each base: none may be a no-op.
        for (int m = 0; m < Mutations.All.Length; m++)
            for (int b = 0; b < Fixtures.ValidConfigJson.Count; b++)
            {
                var config = Fixtures.ValidConfig(b);
                var (path, fragment) = Mutations.All[m].Apply(config, new Random(m * 31 + b));
                AssertReported(ConfigValidator.Validate(config), Mutations.All[m].Name, path, fragment);
            }
    }

    // ---- garbage and truncated JSON ----

    private static Arbitrary<(int Base, int Op, int Seed)> Garbage =>
        (from b in Gen.Choose(0, 1000)
         from op in Gen.Choose(0, 6)
         from s in Gen.Choose(0, int.MaxValue)
         select (b, op, s)).ToArbitrary();

    private const string JsonChars = "{}[]\",:0123456789-+.eEtrufalsn \n\\/u\u00e9\u20ac";

    private static string Corrupt(string json, int op, Random r)
    {
        int pos = r.Next(json.Length + 1);
        switch (op)
        {
            case 0: return json.Substring(0, pos);                                     // truncated
            case 1:                                                                     // one character replaced
                if (json.Length == 0) return "x";
                pos = Math.Min(pos, json.Length - 1);
                return json.Substring(0, pos) + JsonChars[r.Next(JsonChars.Length)] + json.Substring(pos + 1);
            case 2:                                                                     // a run deleted
                int len = r.Next(1, 20);
                return json.Remove(pos, Math.Min(len, json.Length - pos));
            case 3:                                                                     // random tokens inserted
                var sb = new StringBuilder();
                for (int i = r.Next(1, 8); i > 0; i--) sb.Append(JsonChars[r.Next(JsonChars.Length)]);
                return json.Insert(pos, sb.ToString());
            case 4:                                                                     // a random scalar spliced in place of a value
                return SpliceValue(json, r);
            case 5:                                                                     // pure noise
                var noise = new char[r.Next(0, 64)];
                for (int i = 0; i < noise.Length; i++) noise[i] = r.Next(4) == 0 ? (char)r.Next(0, 0xD7FF) : JsonChars[r.Next(JsonChars.Length)];
                return new string(noise);
            default:                                                                    // deep nesting
                int depth = r.Next(1, 200);
                return new string('[', depth) + new string(']', r.Next(0, depth + 1));
        }
    }

    private static readonly string[] Scalars = { "null", "true", "-1", "1.5", "1e400", "18446744073709551616", "\"s\"", "{}", "[]", "[null]", "{\"a\":null}" };

    private static string SpliceValue(string json, Random r)
    {
        int colon = json.IndexOf(':', r.Next(Math.Max(1, json.Length)));
        if (colon < 0) colon = json.IndexOf(':');
        if (colon < 0) return json;
        int end = colon + 1;
        while (end < json.Length && json[end] is not (',' or '}' or ']')) end++;
        return json.Substring(0, colon + 1) + Scalars[r.Next(Scalars.Length)] + json.Substring(end);
    }

    [Property(MaxTest = 1000)]
    public Property GarbageJsonOnlyEverGivesSpecException() => Prop.ForAll(Garbage, t =>
    {
        string json = Corrupt(Fixtures.ValidConfigJson[t.Base % Fixtures.ValidConfigJson.Count], t.Op, new Random(t.Seed));
        OciConfig? parsed = null;
        try
        {
            parsed = ConfigLoader.Parse(json);
        }
        catch (SpecException ex)
        {
            Assert.NotEmpty(ex.Errors);
            Assert.All(ex.Errors, e => Assert.False(string.IsNullOrEmpty(e.Path)));
            Assert.All(ex.Errors, e => Assert.False(string.IsNullOrEmpty(e.Message)));
        }
        // Still parseable: validating it must not throw either.
        if (parsed is not null) _ = ConfigValidator.Validate(parsed);
    });

    /// <summary>A value replaced by one of the wrong JSON kind is reported at exactly that value's path.</summary>
    [Property(MaxTest = 500)]
    public Property WrongKindsAreReportedAtTheirPath() => Prop.ForAll(Garbage, t =>
    {
        var r = new Random(t.Seed);
        var root = JsonNode.Parse(Fixtures.ValidConfigJson[t.Base % Fixtures.ValidConfigJson.Count])!;
        var nodes = new List<(JsonNode Node, string Path)>();
        Collect(root, "", nodes);
        var (target, path) = nodes[r.Next(nodes.Count)];
        JsonNode? replacement = WrongKind(target, r);
        Replace(target, replacement);

        OciConfig parsed;
        try
        {
            parsed = ConfigLoader.Parse(root.ToJsonString());
        }
        catch (SpecException ex)
        {
            var e = Assert.Single(ex.Errors);
            // The reader reports the value itself, or for a wrong container kind, its first child.
            Assert.True(e.Path == path || e.Path.StartsWith(path + ".", StringComparison.Ordinal) || e.Path.StartsWith(path + "[", StringComparison.Ordinal),
                $"replaced {path} with {replacement?.ToJsonString() ?? "null"}, error names {e.Path}: {e.Message}");
            return;
        }
        // Accepted (e.g. null for an optional member): validation still must not throw.
        _ = ConfigValidator.Validate(parsed);
    });

    private static void Collect(JsonNode node, string path, List<(JsonNode, string)> into)
    {
        if (path.Length > 0) into.Add((node, path));
        if (node is JsonObject o)
            foreach (var (k, v) in o)
                if (v is not null) Collect(v, Key(path, k), into);
        if (node is JsonArray a)
            for (int i = 0; i < a.Count; i++)
                if (a[i] is { } child) Collect(child, $"{path}[{i}]", into);
    }

    // Mirrors the library's rule: plain keys as ".key", others as ["key"].
    private static string Key(string parent, string key) =>
        key.Length > 0 && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-')
            ? (parent.Length == 0 ? key : parent + "." + key)
            : parent + "[" + Text.Quote(key) + "]";

    private static JsonNode? WrongKind(JsonNode target, Random r)
    {
        var kind = target.GetValueKind();
        JsonNode?[] options = kind switch
        {
            System.Text.Json.JsonValueKind.String => new JsonNode?[] { 5, true, new JsonObject(), new JsonArray(), null },
            System.Text.Json.JsonValueKind.Number => new JsonNode?[] { "7", false, 1.5, JsonNode.Parse("1e400"), JsonNode.Parse("18446744073709551616"), new JsonArray(), null },
            System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False => new JsonNode?[] { "true", 1, new JsonObject(), null },
            System.Text.Json.JsonValueKind.Object => new JsonNode?[] { "obj", 3, new JsonArray(1), false, null },
            _ => new JsonNode?[] { "arr", 3, new JsonObject { ["a"] = 1 }, true, null },
        };
        return options[r.Next(options.Length)];
    }

    private static void Replace(JsonNode target, JsonNode? replacement)
    {
        var parent = target.Parent!;
        if (parent is JsonObject o) o[target.GetPropertyName()] = replacement;
        else ((JsonArray)parent)[target.GetElementIndex()] = replacement;
    }
}
