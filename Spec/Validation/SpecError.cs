using System;
using System.Collections.Generic;

namespace OciRuntime.Spec.Validation;

/// <summary>
/// One problem found in config.json: the JSON path of the offending value (e.g.
/// <c>linux.namespaces[2].type</c>) and what is wrong with it, including the value.
/// Rendered as <c>config.json: linux.namespaces[2].type: unknown namespace type "pidd" (...)</c>.
/// </summary>
public readonly record struct SpecError(string Path, string Message)
{
    public override string ToString() => $"config.json: {Path}: {Message}";
}

/// <summary>Thrown when config.json cannot be used; carries every error found, first one first.</summary>
public sealed class SpecException : Exception
{
    public IReadOnlyList<SpecError> Errors { get; }

    public SpecException(IReadOnlyList<SpecError> errors)
        : base(errors.Count > 0 ? errors[0].ToString() : "config.json: invalid")
    {
        Errors = errors;
    }

    public SpecException(string path, string message) : this(new[] { new SpecError(path, message) }) { }
}
