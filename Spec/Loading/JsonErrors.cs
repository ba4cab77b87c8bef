using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace OciRuntime.Spec.Loading;

/// <summary>
/// Turns a System.Text.Json failure into a <c>SpecError</c>-style (path, message) pair in the
/// spec's dotted form (<c>linux.namespaces[2].type</c>). The message is built here from the
/// document and the JSON contract rather than taken from the exception, because NativeAOT
/// builds strip framework messages (UseSystemResourceKeys).
/// </summary>
internal static class JsonErrors
{
    /// <summary>"$.linux.sysctl['a.b'].x[2]" → ["linux", "sysctl", "a.b", "x", 2] (strings are properties, ints indices).</summary>
    public static List<object> ParsePath(string? jsonPath)
    {
        var segs = new List<object>();
        if (string.IsNullOrEmpty(jsonPath)) return segs;
        int i = jsonPath[0] == '$' ? 1 : 0;
        while (i < jsonPath.Length)
        {
            char c = jsonPath[i];
            if (c == '.')
            {
                int start = ++i;
                while (i < jsonPath.Length && jsonPath[i] != '.' && jsonPath[i] != '[') i++;
                segs.Add(jsonPath.Substring(start, i - start));
            }
            else if (c == '[' && i + 1 < jsonPath.Length && jsonPath[i + 1] == '\'')
            {
                int end = jsonPath.IndexOf("']", i + 2, StringComparison.Ordinal);
                if (end < 0) { segs.Add(jsonPath.Substring(i + 2)); break; }
                segs.Add(jsonPath.Substring(i + 2, end - i - 2));
                i = end + 2;
            }
            else if (c == '[')
            {
                int end = jsonPath.IndexOf(']', i + 1);
                if (end < 0) break;
                if (int.TryParse(jsonPath.AsSpan(i + 1, end - i - 1), NumberStyles.None, CultureInfo.InvariantCulture, out int idx))
                    segs.Add(idx);
                i = end + 1;
            }
            else i++;
        }
        return segs;
    }

    /// <summary>Renders segments as the spec's dotted path; the document root is "$".</summary>
    public static string Render(List<object> segs)
    {
        if (segs.Count == 0) return "$";
        var path = "";
        foreach (var s in segs)
        {
            if (s is int i) path = Validation.JsonPathText.Index(path, i);
            else path = Validation.JsonPathText.Key(path, (string)s);
        }
        return path;
    }

    /// <summary>What the contract expects at <paramref name="segs"/>, e.g. "an unsigned 32-bit integer".</summary>
    public static string? Expected(JsonTypeInfo root, List<object> segs)
    {
        JsonTypeInfo? ti = root;
        foreach (var s in segs)
        {
            Type? next = null;
            if (ti.Kind == JsonTypeInfoKind.Object && s is string name)
            {
                foreach (var p in ti.Properties)
                    if (p.Name == name) { next = p.PropertyType; break; }
            }
            else if (ti.Kind is JsonTypeInfoKind.Enumerable or JsonTypeInfoKind.Dictionary)
                next = ti.ElementType;
            if (next is null) return null;
            ti = ti.Options.TypeInfoResolver?.GetTypeInfo(next, ti.Options);
            if (ti is null) return null;
        }
        return Describe(ti);
    }

    private static string Describe(JsonTypeInfo ti)
    {
        var t = Nullable.GetUnderlyingType(ti.Type) ?? ti.Type;
        if (t == typeof(string)) return "a string";
        if (t == typeof(bool)) return "a boolean (true or false)";
        if (t == typeof(int)) return "a 32-bit integer";
        if (t == typeof(long)) return "a 64-bit integer";
        if (t == typeof(uint)) return "an unsigned 32-bit integer (0 to 4294967295)";
        if (t == typeof(ulong)) return "an unsigned 64-bit integer (0 to 18446744073709551615)";
        if (t == typeof(ushort)) return "an unsigned 16-bit integer (0 to 65535)";
        return ti.Kind switch
        {
            JsonTypeInfoKind.Enumerable => "an array",
            JsonTypeInfoKind.Dictionary => "an object (a map of names to values)",
            JsonTypeInfoKind.Object => "an object",
            _ => "a different value",
        };
    }

    /// <summary>The value actually found at <paramref name="segs"/> in <paramref name="doc"/>, e.g. "number 23".</summary>
    public static string? Actual(JsonElement doc, List<object> segs)
    {
        var e = doc;
        foreach (var s in segs)
        {
            if (s is string name && e.ValueKind == JsonValueKind.Object)
            {
                // Last occurrence wins, as for the deserializer.
                bool found = false;
                foreach (var prop in e.EnumerateObject())
                    if (prop.Name == name) { e = prop.Value; found = true; }
                if (!found) return null;
            }
            else if (s is int idx && e.ValueKind == JsonValueKind.Array && idx < e.GetArrayLength())
                e = e[idx];
            else return null;
        }
        return e.ValueKind switch
        {
            JsonValueKind.String => "string " + Validation.Text.Quote(e.GetString()),
            JsonValueKind.Number => "number " + Short(e.GetRawText()),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            JsonValueKind.Null => "null",
            JsonValueKind.Array => "an array",
            JsonValueKind.Object => "an object",
            _ => null,
        };
    }

    private static string Short(string s) => s.Length > 40 ? s.Substring(0, 40) + "..." : s;
}
