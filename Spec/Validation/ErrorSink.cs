using System.Collections.Generic;

namespace OciRuntime.Spec.Validation;

/// <summary>Collects errors of one document; the rules never throw, they report here.</summary>
internal sealed class ErrorSink
{
    private readonly List<SpecError> _errors = new();
    private readonly string _document;

    public ErrorSink(string document = "config.json") { _document = document; }

    public IReadOnlyList<SpecError> Errors => _errors;

    public void Add(string path, string message) =>
        _errors.Add(new SpecError(path, message) { Document = _document });
}

/// <summary>Builds the dotted JSON paths used in error messages.</summary>
internal static class JsonPathText
{
    public static string Prop(string parent, string name) => parent.Length == 0 ? name : parent + "." + name;

    public static string Index(string parent, int i) => parent + "[" + i.ToString(System.Globalization.CultureInfo.InvariantCulture) + "]";

    /// <summary>Map keys are quoted because they routinely contain dots (sysctl, annotations).</summary>
    public static string Key(string parent, string key) => parent + "[" + Text.Quote(key) + "]";
}
