using System;
using System.Collections.Generic;
using System.Linq;

namespace OciRuntime.Cgroups.Systemd;

/// <summary>
/// runc 1.1.5's `org.systemd.property.&lt;Name&gt;` annotations: extra properties for the
/// container's transient unit, each value in GVariant text ("uint64 123", "'inactive-or-failed'",
/// "true", "@as []"). runc's rules: the name is 3 or more ASCII letters; a name ending in a
/// lowercase letter + "Sec" (TimeoutStopSec) is systemd's documented spelling of a property that
/// D-Bus calls …USec, so it is renamed and its number of seconds becomes uint64 microseconds. The
/// properties go after the driver's own, so systemd (which applies them in order) lets them win.
/// Used only by the systemd driver, as in runc; the cgroupfs driver ignores them.
/// </summary>
public static class AnnotationProperties
{
    public const string Prefix = "org.systemd.property.";

    /// <summary>
    /// Properties that decide which cgroup the container is in: an annotation setting them would
    /// make the unit's cgroup differ from the directory the runtime records (Slice), or put
    /// processes from outside the container into the scope that delete's cgroup.kill empties
    /// (PIDs). runc 1.1.5 passes them on; here they are refused.
    /// </summary>
    private static readonly string[] Reserved = { "Slice", "PIDs" };

    /// <summary>The unit properties the annotations ask for, in key order (runc's order is a Go map's: random).</summary>
    public static List<UnitProperty> From(IReadOnlyDictionary<string, string>? annotations)
    {
        var props = new List<UnitProperty>();
        if (annotations is null) return props;
        foreach (KeyValuePair<string, string> kv in annotations.OrderBy(k => k.Key, StringComparer.Ordinal))
        {
            if (!kv.Key.StartsWith(Prefix, StringComparison.Ordinal)) continue;
            string where = $"annotations[\"{kv.Key}\"]";
            string name = kv.Key[Prefix.Length..];
            if (name.Length < 3 || !name.All(char.IsAsciiLetter))
                throw new CgroupException($"{where}: \"{name}\" is not a systemd property name (3 or more ASCII letters, as TimeoutStopUSec); rename the annotation");
#if !OCI_WEAKEN_SYSTEMD_OWN_PROPERTIES
            if (Reserved.Contains(name, StringComparer.Ordinal))
                throw new CgroupException($"{where}: {name} is set by the runtime itself ({(name == "Slice" ? "from linux.cgroupsPath \"slice:prefix:name\"" : "the container's init")}) and cannot be overridden; remove the annotation");
#endif
            GVariant value;
            try
            {
                value = GVariantText.Parse(kv.Value ?? "");
            }
            catch (FormatException e)
            {
                throw new CgroupException($"{where}: \"{kv.Value}\" is not a GVariant text value: {e.Message}; write e.g. \"uint64 123\", \"'text'\", \"true\", \"@as []\"");
            }
            if (IsSecondsName(name))
            {
                name = name[..^3] + "USec";
                value = SecondsToMicroseconds(value, where, kv.Value ?? "");
            }
            props.Add(new UnitProperty.Any(name, value));
        }
        return props;
    }

    /// <summary>runc's rule: "…Sec" right after a lowercase letter (TimeoutStopSec, RuntimeMaxSec; not CPUQuotaPerSecUSec, not USec itself).</summary>
    public static bool IsSecondsName(string name) =>
        name.Length > 3 && name.EndsWith("Sec", StringComparison.Ordinal) && name[^4] is >= 'a' and <= 'z';

    /// <summary>
    /// Seconds of any numeric type → uint64 µs. Where runc wraps silently (a negative number, an
    /// overflow) this refuses: systemd would read the wrapped value as a timeout of ~584,000 years.
    /// </summary>
    private static GVariant SecondsToMicroseconds(GVariant v, string where, string text)
    {
        const ulong M = 1_000_000;
        double seconds = v.Signature switch
        {
            "y" or "q" or "u" or "t" => (ulong)v.Scalar!,
            "n" => (short)(ulong)v.Scalar!,
            "i" => (int)(ulong)v.Scalar!,
            "x" => (long)(ulong)v.Scalar!,
            "d" => (double)v.Scalar!,
            _ => throw new CgroupException($"{where}: \"{text}\" is {v.Signature}, not a number of seconds; a …Sec property takes a number (e.g. \"30\" or \"uint64 30\")"),
        };
        if (seconds < 0 || seconds * M >= ulong.MaxValue)
            throw new CgroupException($"{where}: \"{text}\" seconds is out of range (0 to {ulong.MaxValue / M})");
        ulong us = v.Signature == "d" ? (ulong)(seconds * M) : checked(ToUInt64(v) * M);
        return new GVariant("t", us);
    }

    private static ulong ToUInt64(GVariant v) => v.Signature switch
    {
        "n" => (ulong)(short)(ulong)v.Scalar!,
        "i" => (ulong)(int)(ulong)v.Scalar!,
        "x" => (ulong)(long)(ulong)v.Scalar!,
        _ => (ulong)v.Scalar!,
    };
}
