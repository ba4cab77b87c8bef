using System;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using OciRuntime.Spec.Validation;

namespace OciRuntime.Spec.Loading;

/// <summary>
/// Deserializes one spec document with the source-generated contract and converts every
/// failure into a <see cref="SpecException"/> naming the JSON path.
/// </summary>
internal static class SpecJsonParser
{
    public static T Parse<T>(string json, JsonTypeInfo<T> typeInfo, string document) where T : class
    {
        T? value;
        try
        {
            value = JsonSerializer.Deserialize(json, typeInfo);
        }
        catch (JsonException ex)
        {
            throw new SpecException(Describe(json, typeInfo, ex, document));
        }
        catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException or ArgumentException or FormatException or OverflowException)
        {
            // Not expected from a source-generated contract, but a malformed document must still
            // surface as a config error, never as a crash of the runtime.
            throw new SpecException(new SpecError("$", "cannot parse document: " + ex.GetType().Name) { Document = document });
        }
        if (value is null)
            throw new SpecException(new SpecError("$", "expected a JSON object, got null") { Document = document });
        return value;
    }

    private static SpecError Describe(string json, JsonTypeInfo typeInfo, JsonException ex, string document)
    {
        var segs = JsonErrors.ParsePath(ex.Path);
        string path = JsonErrors.Render(segs);
        string where = ex.LineNumber is { } line
            ? $" (line {line + 1}, column {(ex.BytePositionInLine ?? 0) + 1})"
            : "";

        JsonDocument? doc = null;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException)
        {
            // Syntax error: the deserializer's path tells where in the structure it happened.
            return new SpecError(path, "malformed JSON" + where + Reason(ex)) { Document = document };
        }
        using (doc)
        {
            string? expected = JsonErrors.Expected(typeInfo, segs);
            // Unescaping a lone surrogate (\uD800) throws here, after the parser accepted it: describe without the value.
            string? actual; try { actual = JsonErrors.Actual(doc.RootElement, segs); } catch (InvalidOperationException) { actual = null; }
            string msg = expected is not null && actual is not null
                ? $"invalid value: expected {expected}, got {actual}"
                : "invalid value" + (actual is not null ? " " + actual : "") + Reason(ex);
            return new SpecError(path, msg + where) { Document = document };
        }
    }

    // The framework's own wording is appended when available: it explains syntax errors well.
    // Its "Path: ... | LineNumber: ..." tail repeats what the error already says, so it is cut.
    private static string Reason(JsonException ex)
    {
        string m = ex.InnerException?.Message ?? ex.Message;
        int cut = m.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut < 0) cut = m.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (cut >= 0) m = m.Substring(0, cut);
        m = m.Trim();
        return m.Length == 0 ? "" : ": " + m;
    }
}
