using System.Collections.Generic;
using OciRuntime.Spec.Config;

namespace OciRuntime.Spec.Validation;

/// <summary>Which namespace types the config lists, and whether each is joined (has a path) or new.</summary>
internal sealed class NamespaceSet
{
    private readonly Dictionary<string, string?> _byType = new(System.StringComparer.Ordinal);

    public static readonly NamespaceSet Empty = new();

    public static NamespaceSet From(List<LinuxNamespace>? list)
    {
        var set = new NamespaceSet();
        if (list is null) return set;
        foreach (var ns in list)
        {
            if (ns is null || string.IsNullOrEmpty(ns.Type)) continue;
            set._byType.TryAdd(ns.Type, string.IsNullOrEmpty(ns.Path) ? null : ns.Path);
        }
        return set;
    }

    /// <summary>The type is listed (new or joined): the container does not share the runtime's.</summary>
    public bool Has(string type) => _byType.ContainsKey(type);

    /// <summary>The type is listed with a path: an existing namespace is joined.</summary>
    public bool Joins(string type) => _byType.TryGetValue(type, out var p) && p is not null;
}
