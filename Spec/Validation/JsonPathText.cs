namespace OciRuntime.Spec.Validation;

/// <summary>Builds the dotted JSON paths used in error messages.</summary>
internal static class JsonPathText
{
    public static string Prop(string parent, string name) => parent.Length == 0 ? name : parent + "." + name;

    public static string Index(string parent, int i) => parent + "[" + i.ToString(System.Globalization.CultureInfo.InvariantCulture) + "]";

    /// <summary>
    /// A map key: <c>parent.key</c> when the key is a plain identifier, otherwise
    /// <c>parent["key"]</c> (sysctl and annotation keys routinely contain dots). The parse-error
    /// paths use the same rule, so both kinds of error name a value the same way.
    /// </summary>
    public static string Key(string parent, string key) =>
        IsPlainName(key) ? Prop(parent, key) : parent + "[" + Text.Quote(key) + "]";

    private static bool IsPlainName(string name)
    {
        if (name.Length == 0) return false;
        foreach (char c in name)
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_' || c == '-')) return false;
        return true;
    }
}
