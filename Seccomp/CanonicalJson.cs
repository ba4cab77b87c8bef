using System.Collections.Generic;
using System.Globalization;
using System.Text;
using OciRuntime.Spec.Config;

namespace OciRuntime.Seccomp;

/// <summary>
/// A fixed rendering of linux.seccomp for hashing: every field in a fixed order, absent
/// fields as null, strings JSON-escaped. Written by hand because reflection JSON is off
/// (NativeAOT) and the key must not depend on how config.json happened to be formatted.
/// </summary>
internal static class CanonicalJson
{
    public static void Write(StringBuilder sb, LinuxSeccomp s)
    {
        sb.Append("{\"defaultAction\":"); Str(sb, s.DefaultAction);
        sb.Append(",\"defaultErrnoRet\":"); Num(sb, s.DefaultErrnoRet);
        sb.Append(",\"architectures\":"); Strs(sb, s.Architectures);
        sb.Append(",\"flags\":"); Strs(sb, s.Flags);
        sb.Append(",\"listenerPath\":"); Str(sb, s.ListenerPath);
        sb.Append(",\"listenerMetadata\":"); Str(sb, s.ListenerMetadata);
        sb.Append(",\"syscalls\":");
        if (s.Syscalls is null) sb.Append("null");
        else
        {
            sb.Append('[');
            for (int i = 0; i < s.Syscalls.Count; i++)
            {
                if (i > 0) sb.Append(',');
                LinuxSyscall? c = s.Syscalls[i];
                if (c is null) { sb.Append("null"); continue; }
                sb.Append("{\"names\":"); Strs(sb, c.Names);
                sb.Append(",\"action\":"); Str(sb, c.Action);
                sb.Append(",\"errnoRet\":"); Num(sb, c.ErrnoRet);
                sb.Append(",\"args\":");
                if (c.Args is null) sb.Append("null");
                else
                {
                    sb.Append('[');
                    for (int j = 0; j < c.Args.Count; j++)
                    {
                        if (j > 0) sb.Append(',');
                        LinuxSeccompArg? a = c.Args[j];
                        if (a is null) { sb.Append("null"); continue; }
                        sb.Append("{\"index\":").Append(a.Index.ToString(CultureInfo.InvariantCulture))
                          .Append(",\"value\":").Append(a.Value.ToString(CultureInfo.InvariantCulture))
                          .Append(",\"valueTwo\":").Append(a.ValueTwo.ToString(CultureInfo.InvariantCulture))
                          .Append(",\"op\":"); Str(sb, a.Op);
                        sb.Append('}');
                    }
                    sb.Append(']');
                }
                sb.Append('}');
            }
            sb.Append(']');
        }
        sb.Append('}');
    }

    private static void Num(StringBuilder sb, uint? v) =>
        sb.Append(v is { } x ? x.ToString(CultureInfo.InvariantCulture) : "null");

    private static void Strs(StringBuilder sb, List<string>? list)
    {
        if (list is null) { sb.Append("null"); return; }
        sb.Append('[');
        for (int i = 0; i < list.Count; i++)
        {
            if (i > 0) sb.Append(',');
            Str(sb, list[i]);
        }
        sb.Append(']');
    }

    private static void Str(StringBuilder sb, string? s)
    {
        if (s is null) { sb.Append("null"); return; }
        sb.Append('"');
        foreach (char ch in s)
        {
            switch (ch)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                default:
                    if (ch < 0x20) sb.Append("\\u").Append(((int)ch).ToString("x4", CultureInfo.InvariantCulture));
                    else sb.Append(ch);
                    break;
            }
        }
        sb.Append('"');
    }
}
