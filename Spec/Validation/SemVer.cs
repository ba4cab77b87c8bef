using System.Globalization;
using System.Text.RegularExpressions;

namespace OciRuntime.Spec.Validation;

/// <summary>SemVer 2.0.0 parsing, enough to check config.md's ociVersion MUST and its major version.</summary>
public static partial class SemVer
{
    // The regular expression published at semver.org, with [0-9] instead of \d (which matches any
    // Unicode digit in .NET) and \z instead of $ (which tolerates a trailing newline).
    [GeneratedRegex(@"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(?:-((?:0|[1-9][0-9]*|[0-9]*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9][0-9]*|[0-9]*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    /// <summary>True when <paramref name="version"/> is SemVer 2.0.0; <paramref name="major"/> gets its major number.</summary>
    public static bool TryParse(string? version, out ulong major)
    {
        major = 0;
        if (version is null) return false;
        var m = Pattern().Match(version);
        if (!m.Success) return false;
        // A major beyond ulong is still SemVer; report it as "not 1" rather than as malformed.
        if (!ulong.TryParse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out major))
            major = ulong.MaxValue;
        return true;
    }
}
