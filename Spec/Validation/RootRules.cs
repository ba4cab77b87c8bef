using OciRuntime.Spec.Config;

namespace OciRuntime.Spec.Validation;

/// <summary>config.md top level: ociVersion, root, annotations.</summary>
internal static class RootRules
{
    public static void Check(OciConfig c, ErrorSink sink)
    {
        CheckVersion(c.OciVersion, sink);

        // config.md "Root": REQUIRED on every platform but Windows/Hyper-V.
        if (c.Root is null)
            sink.Add("root", "required on Linux: the container's root filesystem is missing");
        else if (string.IsNullOrEmpty(c.Root.Path))
            sink.Add("root.path", "required: must name the root filesystem directory (e.g. \"rootfs\")");
        else if (Text.HasNul(c.Root.Path))
            sink.Add("root.path", $"invalid path {Text.Quote(c.Root.Path)}: contains a NUL byte");

        if (c.Annotations is not null)
        {
            foreach (var (key, value) in c.Annotations)
            {
                // config.md "Annotations": keys MUST NOT be empty, values MUST be strings.
                if (key.Length == 0) sink.Add("annotations", "annotation keys must not be empty");
                else if (value is null) sink.Add(JsonPathText.Key("annotations", key), "annotation values must be strings, got null");
            }
        }
    }

    /// <summary>config.md "Specification version": REQUIRED, MUST be SemVer 2.0.0; only major 1 is implemented.</summary>
    public static void CheckVersion(string? version, ErrorSink sink)
    {
        if (string.IsNullOrEmpty(version))
        {
            sink.Add("ociVersion", "required: the runtime-spec version of this config is missing (e.g. \"1.0.2\")");
            return;
        }
        if (!SemVer.TryParse(version, out var major))
        {
            sink.Add("ociVersion", $"invalid version {Text.Quote(version)}: must be in SemVer 2.0.0 format (e.g. \"1.0.2\")");
            return;
        }
        if (!IsSupportedMajor(major))
            sink.Add("ociVersion", UnsupportedMajor(version));
    }

    /// <summary>
    /// Major 1 is what this runtime implements. Pre-1.0 drafts (0.x) are accepted as well: their
    /// documents use the 1.0 layout, runc runs them, and the spec's own good example
    /// (schema/test/config/good/spec-example.json) is "0.5.0-dev". Majors from 2 on may change
    /// the meaning of fields we would silently ignore, so they are refused.
    /// </summary>
    internal static bool IsSupportedMajor(ulong major) => major <= 1;

    internal static string UnsupportedMajor(string version) =>
        $"unsupported version {Text.Quote(version)}: this runtime implements runtime-spec 1.x (up to {KnownValues.SpecVersion})";
}
