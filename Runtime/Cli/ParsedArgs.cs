using System.Collections.Generic;

namespace OciRuntime.Cli;

/// <summary>The result of parsing one command's flags and positional arguments.</summary>
public sealed class ParsedArgs
{
    private readonly Dictionary<string, List<string>> _values = new();
    private readonly HashSet<string> _flags = new();

    public List<string> Positionals { get; } = new();

    internal void AddValue(string name, string value)
    {
        if (!_values.TryGetValue(name, out var list)) _values[name] = list = new List<string>();
        list.Add(value);
    }

    internal void SetFlag(string name, bool on)
    {
        if (on) _flags.Add(name); else _flags.Remove(name);
    }

    public bool Has(string name) => _flags.Contains(name);

    public string? Value(string name) => _values.TryGetValue(name, out var l) && l.Count > 0 ? l[^1] : null;

    public IReadOnlyList<string> Values(string name) => _values.TryGetValue(name, out var l) ? l : (IReadOnlyList<string>)System.Array.Empty<string>();

    public int IntValue(string name, int fallback)
    {
        string? v = Value(name);
        if (v is null) return fallback;
        if (!int.TryParse(v, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out int n))
            throw new UsageException($"invalid value \"{v}\" for flag --{name}: parse error");
        return n;
    }
}
