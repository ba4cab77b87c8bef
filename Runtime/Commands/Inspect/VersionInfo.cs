using System.Reflection;

namespace OciRuntime.Commands;

/// <summary>`--version` in runc's shape: name + version, commit, spec version.</summary>
public static class VersionInfo
{
    public const string SpecVersion = "1.3.0";
    public const string MinSpecVersion = "1.0.0";

    public static string Version => typeof(VersionInfo).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    public static string Commit =>
        typeof(VersionInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion is { } v && v.Contains('+')
            ? v.Substring(v.IndexOf('+') + 1)
            : "unknown";

    public static string Text => $"oci-runtime version {Version}\ncommit: {Commit}\nspec: {SpecVersion}\n";
}
