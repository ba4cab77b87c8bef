using System;
using System.IO;
using OciRuntime.Spec.Config;
using OciRuntime.Spec.Json;
using OciRuntime.Spec.Validation;

namespace OciRuntime.Spec.Loading;

/// <summary>Reads, parses and validates a bundle's config.json.</summary>
public static class ConfigLoader
{
    public const string FileName = "config.json";

    /// <summary>
    /// Loads <c>&lt;bundleDir&gt;/config.json</c>: parses it, refuses an ociVersion whose major
    /// is 2 or more (0.x drafts and 1.x are accepted), runs <see cref="ConfigValidator"/> and checks that the root filesystem
    /// directory exists. Every failure is a <see cref="SpecException"/>.
    /// </summary>
    public static LoadedConfig Load(string bundleDir)
    {
        string bundle = Path.GetFullPath(string.IsNullOrEmpty(bundleDir) ? "." : bundleDir);
        string file = Path.Combine(bundle, FileName);
        string json = ReadFile(file, FileName);

        var config = Parse(json);
        CheckMajorVersion(config);
        ConfigValidator.EnsureValid(config);

        // config.md "Root": a relative root.path is relative to the bundle; a directory MUST exist there.
        string rootfs = Path.GetFullPath(Path.Combine(bundle, config.Root!.Path));
        if (!Directory.Exists(rootfs))
        {
            string why = File.Exists(rootfs) ? "is not a directory" : "does not exist";
            throw new SpecException("root.path", $"root filesystem {Text.Quote(rootfs)} {why} (root.path is {Text.Quote(config.Root.Path)})");
        }
        return new LoadedConfig(config, bundle, file, PathResolver.Resolve(rootfs));
    }

    /// <summary>
    /// Parses config.json text. Only syntax and JSON types are checked here (a wrong type names
    /// its path, e.g. <c>linux.namespaces[2].type</c>); call <see cref="ConfigValidator.Validate"/>
    /// for the spec's rules. The contract runs only when ConfigFastReader gives up (an error, or
    /// a shape it leaves to the contract), so errors are the contract's.
    /// </summary>
    public static OciConfig Parse(string json) =>
        ConfigFastReader.TryParse(json ?? "") ?? SpecJsonParser.Parse(json ?? "", SpecJsonContext.Default.OciConfig, FileName);

    /// <summary>
    /// A config for another major version may mean something different in fields we would
    /// silently ignore, so it is refused before any other check (config.md "Specification version").
    /// </summary>
    private static void CheckMajorVersion(OciConfig config)
    {
        if (SemVer.TryParse(config.OciVersion, out var major) && !RootRules.IsSupportedMajor(major))
            throw new SpecException("ociVersion", RootRules.UnsupportedMajor(config.OciVersion));
    }

    internal static string ReadFile(string file, string document)
    {
        try
        {
            return File.ReadAllText(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or System.Security.SecurityException)
        {
            throw new SpecException(new SpecError("cannot read " + file, IoReason(ex)) { Document = document });
        }
    }

    // Own wording instead of ex.Message: NativeAOT builds strip framework messages.
    private static string IoReason(Exception ex) => ex switch
    {
        FileNotFoundException or DirectoryNotFoundException => "no such file or directory",
        UnauthorizedAccessException => "permission denied",
        PathTooLongException => "path too long",
        _ => ex.Message,
    };
}
