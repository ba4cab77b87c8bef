using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OciRuntime.Conformance.Fuzz;

/// <summary>
/// A value a generator puts into a config: JSON text that System.Text.Json can hold as a node
/// (wrong types, out-of-range numbers, 1 MB strings), or raw bytes it cannot (invalid UTF-8, raw NUL,
/// nesting deeper than any parser's limit), which go in through a placeholder replaced at serialization.
/// </summary>
public sealed record Weird(string? Json, byte[]? Raw, string Label)
{
    static readonly JsonSerializerOptions s_str = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Weird Of(string json, string? label = null) => new(json, null, label ?? Short(json));
    public static Weird Str(string s, string? label = null) => new(JsonSerializer.Serialize(s, s_str), null, label ?? Short(JsonSerializer.Serialize(s, s_str)));
    public static Weird Bytes(byte[] raw, string label) => new(null, raw, label);

    public override string ToString() => Label;

    static string Short(string s) => s.Length <= 60 ? s : $"{s[..40]}…({s.Length} chars)";
}

/// <summary>One config under construction: the JSON tree, its raw-byte placeholders, the case it is for.</summary>
public sealed class FuzzDoc
{
    const string PlaceholderPrefix = "@@OFZ";
    static readonly JsonDocumentOptions s_parse = new() { MaxDepth = 256 };
    static readonly JsonSerializerOptions s_write = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, WriteIndented = true, MaxDepth = 256 };

    readonly List<byte[]> _raw = [];

    public JsonNode? Root { get; set; }

    /// <summary>A seed file that is not JSON at all: serialized as is (only truncation applies).</summary>
    public byte[]? RawSeed { get; init; }
    public FuzzCaseDir Case { get; }

    /// <summary>Set by a truncation: the serialized bytes are cut at this fraction of their length.</summary>
    public double? TruncateAt { get; set; }

    public FuzzDoc(JsonNode? root, FuzzCaseDir c) { Root = root; Case = c; }

    public JsonNode? Node(Weird w)
    {
        if (w.Raw != null)
        {
            _raw.Add(w.Raw);
            return JsonValue.Create($"{PlaceholderPrefix}{_raw.Count - 1}@@");
        }
        return JsonNode.Parse(w.Json!, documentOptions: s_parse);
    }

    public JsonObject? Obj => Root as JsonObject;

    /// <summary>The object at a dotted path, created (or replacing a non-object) on the way; null if the root is not an object.</summary>
    public JsonObject? Ensure(string dotted)
    {
        if (Root is not JsonObject cur) return null;
        foreach (var part in dotted.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            if (cur[part] is not JsonObject next)
            {
                next = new JsonObject();
                cur[part] = next;
            }
            cur = next;
        }
        return cur;
    }

    public JsonArray? EnsureArray(string dotted)
    {
        int dot = dotted.LastIndexOf('.');
        var parent = dot < 0 ? Obj : Ensure(dotted[..dot]);
        if (parent == null) return null;
        string key = dotted[(dot + 1)..];
        if (parent[key] is not JsonArray a)
        {
            a = new JsonArray();
            parent[key] = a;
        }
        return a;
    }

    /// <summary>Every node of the tree with its JSON path, parent and key (string) or index (int).</summary>
    public List<(string Path, JsonNode Parent, object Key, JsonNode? Node)> Nodes()
    {
        var list = new List<(string, JsonNode, object, JsonNode?)>();
        void Walk(JsonNode? n, string path)
        {
            if (n is JsonObject o)
                foreach (var (k, v) in o.ToList())
                {
                    list.Add(($"{path}.{k}", o, k, v));
                    Walk(v, $"{path}.{k}");
                }
            else if (n is JsonArray a)
                for (int i = 0; i < a.Count; i++)
                {
                    list.Add(($"{path}[{i}]", a, i, a[i]));
                    Walk(a[i], $"{path}[{i}]");
                }
        }
        Walk(Root, "$");
        return list;
    }

    public static void Set(JsonNode parent, object key, JsonNode? value)
    {
        if (parent is JsonObject o) o[(string)key] = value;
        else ((JsonArray)parent)[(int)key] = value;
    }

    public static void Remove(JsonNode parent, object key)
    {
        if (parent is JsonObject o) o.Remove((string)key);
        else ((JsonArray)parent).RemoveAt((int)key);
    }

    public static string? AsString(JsonNode? n) =>
        n is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    public byte[] Serialize()
    {
        if (RawSeed != null) return TruncateAt is double t ? RawSeed[..(int)(RawSeed.Length * t)] : RawSeed;
        string text = Root == null ? "null" : Root.ToJsonString(s_write);
        var bytes = new List<byte>(text.Length + 64);
        int pos = 0;
        while (true)
        {
            int at = text.IndexOf("\"" + PlaceholderPrefix, pos, StringComparison.Ordinal);
            if (at < 0) break;
            int end = text.IndexOf("@@\"", at + PlaceholderPrefix.Length + 1, StringComparison.Ordinal);
            if (end < 0 || !int.TryParse(text.AsSpan(at + 1 + PlaceholderPrefix.Length, end - at - 1 - PlaceholderPrefix.Length), out int k) || k >= _raw.Count)
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(text[pos..(at + 1)]));
                pos = at + 1;
                continue;
            }
            bytes.AddRange(Encoding.UTF8.GetBytes(text[pos..at]));
            bytes.AddRange(_raw[k]);
            pos = end + 3;
        }
        bytes.AddRange(Encoding.UTF8.GetBytes(text[pos..]));
        var all = bytes.ToArray();
        if (TruncateAt is double f) all = all[..(int)(all.Length * f)];
        return all;
    }
}
