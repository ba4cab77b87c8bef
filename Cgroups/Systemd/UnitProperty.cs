using System.Collections.Generic;

namespace OciRuntime.Cgroups.Systemd;

/// <summary>
/// One (name, variant) pair of StartTransientUnit's / SetUnitProperties' a(sv) argument. Only
/// the D-Bus types the driver derives itself have their own case: b, s, t (uint64), au (PIDs), ay
/// (cpu/node bitmasks); <see cref="Any"/> carries whatever an annotation says.
/// </summary>
public abstract record UnitProperty(string Name)
{
    public sealed record Bool(string Name, bool Value) : UnitProperty(Name);
    public sealed record Str(string Name, string Value) : UnitProperty(Name);
    public sealed record UInt64(string Name, ulong Value) : UnitProperty(Name);
    public sealed record UInt32Array(string Name, IReadOnlyList<uint> Value) : UnitProperty(Name);
    public sealed record ByteArray(string Name, IReadOnlyList<byte> Value) : UnitProperty(Name);
    /// <summary>Any D-Bus value, as an org.systemd.property.* annotation gives it (GVariant text).</summary>
    public sealed record Any(string Name, GVariant Value) : UnitProperty(Name);

    /// <summary>The D-Bus signature of the variant's value.</summary>
    public string Signature => this switch
    {
        Bool => "b",
        Str => "s",
        UInt64 => "t",
        UInt32Array => "au",
        Any a => a.Value.Signature,
        _ => "ay",
    };

    /// <summary>As `systemctl show` would print it, for error messages and logs.</summary>
    public string Describe() => this switch
    {
        Bool b => $"{Name}={(b.Value ? "yes" : "no")}",
        Str s => $"{Name}={s.Value}",
        UInt64 t => $"{Name}={(t.Value == ulong.MaxValue ? "infinity" : t.Value.ToString(System.Globalization.CultureInfo.InvariantCulture))}",
        UInt32Array a => $"{Name}={string.Join(' ', a.Value)}",
        ByteArray y => $"{Name}=[{y.Value.Count} bytes]",
        Any a => $"{Name}={a.Value}",
        _ => Name,
    };
}
