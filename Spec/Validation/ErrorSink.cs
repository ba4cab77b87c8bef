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
