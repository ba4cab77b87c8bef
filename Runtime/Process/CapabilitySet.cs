using System;
using System.Collections.Generic;
using OciRuntime.Spec.Validation;

namespace OciRuntime.Process;

/// <summary>Linux capability names (include/uapi/linux/capability.h) and their bit numbers.</summary>
public static class CapabilitySet
{
    /// <summary>Index == capability number; the one list lives with the spec's known values.</summary>
    private static readonly IReadOnlyList<string> Names = KnownValues.Capabilities;

    public static IReadOnlyList<string> All => Names;

    public static int? Number(string name)
    {
        int i = IndexOf(name);
        return i >= 0 ? i : null;
    }

    private static int IndexOf(string name)
    {
        for (int i = 0; i < Names.Count; i++)
            if (Names[i] == name) return i;
        return -1;
    }

    /// <summary>The bit mask of the named capabilities; names the running kernel lacks are ignored, as runc does.</summary>
    public static ulong Mask(IEnumerable<string>? names, int lastCap)
    {
        ulong mask = 0;
        if (names is null) return 0;
        foreach (string n in names)
            if (Number(n) is int bit && bit <= lastCap) mask |= 1UL << bit;
        return mask;
    }

    /// <summary>
    /// Names in any of the five sets that are not capabilities or that this kernel lacks, sorted
    /// and unique: runc ignores them with one warning, and so do we (the masks above skip them).
    /// </summary>
    public static List<string> Unknown(Spec.Config.LinuxCapabilities? caps, int lastCap)
    {
        var unknown = new SortedSet<string>(StringComparer.Ordinal);
        if (caps is null) return new List<string>();
        foreach (List<string>? set in new[] { caps.Bounding, caps.Effective, caps.Inheritable, caps.Permitted, caps.Ambient })
            foreach (string n in set ?? new List<string>())
                if (Number(n) is not int bit || bit > lastCap) unknown.Add(n);
        return new List<string>(unknown);
    }

    /// <summary>/proc/sys/kernel/cap_last_cap: the highest capability this kernel knows.</summary>
    public static int KernelLastCap()
    {
        try
        {
            return int.Parse(System.IO.File.ReadAllText("/proc/sys/kernel/cap_last_cap").Trim(), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is System.IO.IOException or FormatException)
        {
            return Names.Count - 1;
        }
    }
}
