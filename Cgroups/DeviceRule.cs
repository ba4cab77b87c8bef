using System;
using System.Collections.Generic;
using OciRuntime.Spec.Config;

namespace OciRuntime.Cgroups;

/// <summary>
/// One device cgroup rule: type 'a' (all), 'c' or 'b'; major/minor -1 for any; access a set of
/// r/w/m. The same shape as runc's devices.Rule, so runc's semantics carry over unchanged.
/// </summary>
public readonly record struct DeviceRule(char Type, long Major, long Minor, DeviceAccess Access, bool Allow)
{
    public const long Wildcard = -1;

    /// <summary>runc's AllowedDevices (libcontainer/specconv, 1.1): appended after the config's rules.</summary>
    public static readonly IReadOnlyList<DeviceRule> DefaultAllowed = new[]
    {
        new DeviceRule('c', Wildcard, Wildcard, DeviceAccess.Mknod, true),  // mknod of any char device
        new DeviceRule('b', Wildcard, Wildcard, DeviceAccess.Mknod, true),  // ... and any block device
        new DeviceRule('c', 1, 3, DeviceAccess.All, true),                  // /dev/null
        new DeviceRule('c', 1, 8, DeviceAccess.All, true),                  // /dev/random
        new DeviceRule('c', 1, 7, DeviceAccess.All, true),                  // /dev/full
        new DeviceRule('c', 5, 0, DeviceAccess.All, true),                  // /dev/tty
        new DeviceRule('c', 1, 5, DeviceAccess.All, true),                  // /dev/zero
        new DeviceRule('c', 1, 9, DeviceAccess.All, true),                  // /dev/urandom
        new DeviceRule('c', 136, Wildcard, DeviceAccess.All, true),         // /dev/pts/*
        new DeviceRule('c', 5, 2, DeviceAccess.All, true),                  // /dev/ptmx
        new DeviceRule('c', 10, 200, DeviceAccess.All, true),               // /dev/net/tun
    };

    /// <summary>linux.resources.devices[i] as runc's specconv reads it: type/major/minor default to a/-1/-1, access is required.</summary>
    public static DeviceRule FromSpec(LinuxDeviceCgroup d, int index)
    {
        string where = $"linux.resources.devices[{index}]";
        char type = d.Type switch
        {
            null or "" or "a" => 'a',
            "c" => 'c',
            "b" => 'b',
            _ => throw new CgroupException($"{where}.type: invalid cgroup device type \"{d.Type}\" (use a, c or b)"),
        };
        if (string.IsNullOrEmpty(d.Access))
            throw new CgroupException($"{where}.access: device access cannot be empty (use a combination of r, w, m)");
        DeviceAccess access = DeviceAccessText.Parse(d.Access, where + ".access");
        long major = d.Major is long ma && ma >= 0 ? ma : Wildcard;
        long minor = d.Minor is long mi && mi >= 0 ? mi : Wildcard;
        if (major > uint.MaxValue || minor > uint.MaxValue)
            throw new CgroupException($"{where}: major/minor must fit in 32 bits");
        return new DeviceRule(type, major, minor, access, d.Allow);
    }

    /// <summary>
    /// One warning per rule whose access has characters runc ignores (and so do we): the caller
    /// should hear that "rwx" means rw.
    /// </summary>
    public static List<string> AccessWarnings(IReadOnlyList<LinuxDeviceCgroup>? spec)
    {
        var warnings = new List<string>();
        if (spec is null) return warnings;
        for (int i = 0; i < spec.Count; i++)
            if (spec[i]?.Access is { Length: > 0 } acc && DeviceAccessText.Ignored(acc) is { Length: > 0 } ignored)
                warnings.Add($"linux.resources.devices[{i}].access: ignoring \"{ignored}\" in \"{acc}\" (only r, w and m have a meaning), as runc does");
        return warnings;
    }

    /// <summary>The config's rules followed by the default allowed devices, as runc builds the list.</summary>
    public static List<DeviceRule> ForContainer(IReadOnlyList<LinuxDeviceCgroup>? spec)
    {
        var rules = new List<DeviceRule>();
        if (spec is not null)
            for (int i = 0; i < spec.Count; i++) rules.Add(FromSpec(spec[i], i));
        rules.AddRange(DefaultAllowed);
        return rules;
    }

    public override string ToString() =>
        $"{(Allow ? "allow" : "deny")} {Type} {(Major == Wildcard ? "*" : Major.ToString(System.Globalization.CultureInfo.InvariantCulture))}:{(Minor == Wildcard ? "*" : Minor.ToString(System.Globalization.CultureInfo.InvariantCulture))} {DeviceAccessText.Format(Access)}";
}

/// <summary>BPF_DEVCG_ACC_* bits (include/uapi/linux/bpf.h): the kernel's encoding, used as-is.</summary>
[Flags]
public enum DeviceAccess
{
    None = 0,
    Mknod = 1,
    Read = 2,
    Write = 4,
    All = 7,
}

/// <summary>
/// The access string of a device rule, read as runc 1.1 reads it (devices.Permissions.toSet):
/// r, w and m in any order, repeated or not; any other character is ignored (runc 1.1.5 accepts
/// "rwx" or "rw " and applies rw). An access with none of r, w, m is refused: runc refuses an
/// empty one and fails to apply the others.
/// </summary>
public static class DeviceAccessText
{
    public static DeviceAccess Parse(string s, string where)
    {
        DeviceAccess a = DeviceAccess.None;
        foreach (char ch in s) a |= Bit(ch);
        if (a == DeviceAccess.None)
            throw new CgroupException($"{where}: device access \"{s}\" has none of r, w, m (use a combination of r, w, m, e.g. \"rwm\")");
        return a;
    }

    /// <summary>The characters of <paramref name="s"/> that are not r, w or m (ignored, as runc ignores them); empty if none.</summary>
    public static string Ignored(string s)
    {
        var sb = new System.Text.StringBuilder();
        foreach (char ch in s) if (Bit(ch) == DeviceAccess.None) sb.Append(ch);
        return sb.ToString();
    }

    private static DeviceAccess Bit(char ch) => ch switch
    {
        'r' => DeviceAccess.Read,
        'w' => DeviceAccess.Write,
        'm' => DeviceAccess.Mknod,
        _ => DeviceAccess.None,
    };

    public static string Format(DeviceAccess a) =>
        (a.HasFlag(DeviceAccess.Read) ? "r" : "") + (a.HasFlag(DeviceAccess.Write) ? "w" : "") + (a.HasFlag(DeviceAccess.Mknod) ? "m" : "");
}
