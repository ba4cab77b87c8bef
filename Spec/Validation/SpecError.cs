using System;
using System.Collections.Generic;

namespace OciRuntime.Spec.Validation;

/// <summary>
/// One problem found in config.json: the JSON path of the offending value (e.g.
/// <c>linux.namespaces[2].type</c>) and what is wrong with it, including the value.
/// Rendered as <c>config.json: linux.namespaces[2].type: unknown namespace type "pidd" (...)</c>.
/// <see cref="Document"/> names the file for documents other than config.json
/// (<c>exec --process</c>'s process.json, <c>update --resources</c>).
/// </summary>
public readonly record struct SpecError(string Path, string Message)
{
    private readonly string? _document;

    /// <summary>The file the path is relative to; "config.json" unless set.</summary>
    public string Document { get => _document ?? "config.json"; init => _document = value; }

    public override string ToString() => $"{Document}: {Path}: {Message}";
}

/// <summary>Thrown when config.json cannot be used; carries every error found, first one first.</summary>
public sealed class SpecException : Exception
{
    public IReadOnlyList<SpecError> Errors { get; }

    public SpecException(IReadOnlyList<SpecError> errors)
        : base(Render(errors))
    {
        Errors = errors;
    }

    public SpecException(string path, string message) : this(new[] { new SpecError(path, message) }) { }

    public SpecException(SpecError error) : this(new[] { error }) { }

    // The first error is the headline (what runc-style callers print); the rest follow one per line
    // so that nothing the validator found is lost when only Message is shown.
    private static string Render(IReadOnlyList<SpecError> errors)
    {
        if (errors.Count == 0) return "config.json: invalid";
        if (errors.Count == 1) return errors[0].ToString();
        var lines = new string[errors.Count];
        for (int i = 0; i < errors.Count; i++) lines[i] = errors[i].ToString();
        return string.Join("\n", lines);
    }
}
