using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace OciRuntime.Cgroups.Systemd;

/// <summary>
/// A typed D-Bus value parsed from GVariant text (<see cref="GVariantText"/>): its complete
/// signature and either a scalar or its items (array elements, struct fields, a dict entry's key
/// and value, a variant's content). Only D-Bus types exist here (no maybe, no handles).
/// </summary>
public sealed class GVariant
{
    public string Signature { get; }
    /// <summary>bool, ulong (the bits of every integer type, signed ones two's complement), double or string.</summary>
    public object? Scalar { get; }
    public IReadOnlyList<GVariant> Items { get; }

    public GVariant(string signature, object scalar)
    {
        Signature = signature;
        Scalar = scalar;
        Items = Array.Empty<GVariant>();
    }

    public GVariant(string signature, IReadOnlyList<GVariant> items)
    {
        Signature = signature;
        Items = items;
    }

    /// <summary>Marshals the value (not its signature) at the writer's position, aligned as D-Bus says.</summary>
    public void WriteTo(DBusWriter w)
    {
        switch (Signature[0])
        {
            case 'b': w.Bool((bool)Scalar!); break;
            case 'y': w.Byte((byte)(ulong)Scalar!); break;
            case 'n': case 'q': w.UInt16((ushort)(ulong)Scalar!); break;
            case 'i': case 'u': w.UInt32((uint)(ulong)Scalar!); break;
            case 'x': case 't': w.UInt64((ulong)Scalar!); break;
            case 'd': w.UInt64(BitConverter.DoubleToUInt64Bits((double)Scalar!)); break;
            case 's': case 'o': w.String((string)Scalar!); break;
            case 'g': w.Signature((string)Scalar!); break;
            case 'v':
                w.Signature(Items[0].Signature);
                Items[0].WriteTo(w);
                break;
            case 'a':
                var a = w.BeginArray(GVariantSignature.Alignment(Signature[1]));
                foreach (GVariant e in Items) e.WriteTo(w);
                w.EndArray(a);
                break;
            case '(': case '{':
                w.BeginStruct();
                foreach (GVariant f in Items) f.WriteTo(w);
                break;
            default: throw new InvalidOperationException($"GVariant: cannot marshal type '{Signature}'");
        }
    }

    /// <summary>GVariant text again, with the type made explicit (logs, error messages, tests).</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        Print(sb, typed: true);
        return sb.ToString();
    }

    private void Print(StringBuilder sb, bool typed)
    {
        switch (Signature[0])
        {
            case 'b': sb.Append((bool)Scalar! ? "true" : "false"); break;
            case 'y': case 'n': case 'q': case 'i': case 'u': case 'x': case 't':
                if (typed) sb.Append('@').Append(Signature).Append(' ');
                ulong bits = (ulong)Scalar!;
                sb.Append(Signature[0] switch
                {
                    'n' => ((short)bits).ToString(CultureInfo.InvariantCulture),
                    'i' => ((int)bits).ToString(CultureInfo.InvariantCulture),
                    'x' => ((long)bits).ToString(CultureInfo.InvariantCulture),
                    _ => bits.ToString(CultureInfo.InvariantCulture),
                });
                break;
            case 'd':
                if (typed) sb.Append("@d ");
                sb.Append(((double)Scalar!).ToString("R", CultureInfo.InvariantCulture));
                break;
            case 's': case 'o': case 'g':
                if (typed && Signature[0] != 's') sb.Append(Signature[0] == 'o' ? "objectpath " : "signature ");
                sb.Append('\'');
                foreach (char c in (string)Scalar!)
                {
                    if (c is '\'' or '\\') sb.Append('\\');
                    sb.Append(c);
                }
                sb.Append('\'');
                break;
            case 'v':
                sb.Append('<');
                Items[0].Print(sb, typed: true);
                sb.Append('>');
                break;
            case 'a':
                if (typed) sb.Append('@').Append(Signature).Append(' ');
                bool dict = Signature[1] == '{';
                sb.Append(dict ? '{' : '[');
                for (int i = 0; i < Items.Count; i++)
                {
                    if (i > 0) sb.Append(", ");
                    if (dict)
                    {
                        Items[i].Items[0].Print(sb, typed: false);
                        sb.Append(": ");
                        Items[i].Items[1].Print(sb, typed: false);
                    }
                    else Items[i].Print(sb, typed: false);
                }
                sb.Append(dict ? '}' : ']');
                break;
            case '(': case '{':
                if (typed) sb.Append('@').Append(Signature).Append(' ');
                sb.Append(Signature[0]);
                for (int i = 0; i < Items.Count; i++)
                {
                    if (i > 0) sb.Append(", ");
                    Items[i].Print(sb, typed: false);
                }
                if (Signature[0] == '(' && Items.Count == 1) sb.Append(',');
                sb.Append(Signature[0] == '(' ? ')' : '}');
                break;
        }
    }
}

/// <summary>D-Bus signatures: splitting into complete types, validation, alignment.</summary>
public static class GVariantSignature
{
    public static int Alignment(char type) => type switch
    {
        'y' or 'g' or 'v' => 1,
        'n' or 'q' => 2,
        'b' or 'i' or 'u' or 'h' or 's' or 'o' or 'a' => 4,
        _ => 8, // x t d ( {
    };

    /// <summary>True if <paramref name="sig"/> is exactly one complete D-Bus type.</summary>
    public static bool IsSingleCompleteType(string sig)
    {
        int i = 0;
        return CompleteType(sig, ref i, 0) && i == sig.Length;
    }

    /// <summary>True if <paramref name="sig"/> is a valid D-Bus signature (any number of complete types).</summary>
    public static bool IsValid(string sig)
    {
        if (sig.Length > 255) return false;
        int i = 0;
        while (i < sig.Length)
            if (!CompleteType(sig, ref i, 0)) return false;
        return true;
    }

    /// <summary>The complete types of a struct or dict entry's signature, "(sai)" → ["s", "ai"].</summary>
    public static List<string> Members(string sig)
    {
        var members = new List<string>();
        int i = 1;
        while (i < sig.Length - 1)
        {
            int start = i;
            CompleteType(sig, ref i, 0);
            members.Add(sig[start..i]);
        }
        return members;
    }

    private static bool CompleteType(string s, ref int i, int depth)
    {
        if (i >= s.Length || depth > 32) return false;
        char c = s[i++];
        switch (c)
        {
            case 'y': case 'b': case 'n': case 'q': case 'i': case 'u': case 'x': case 't': case 'd':
            case 's': case 'o': case 'g': case 'v':
                return true;
            case 'a':
                if (i < s.Length && s[i] == '{')
                {
                    i++;
                    if (i >= s.Length || "ybnqiuxtdsog".IndexOf(s[i]) < 0) return false; // a basic key
                    i++;
                    if (!CompleteType(s, ref i, depth + 1)) return false;
                    return i < s.Length && s[i++] == '}';
                }
                return CompleteType(s, ref i, depth + 1);
            case '(':
                if (i < s.Length && s[i] == ')') return false; // D-Bus has no empty struct
                while (i < s.Length && s[i] != ')')
                    if (!CompleteType(s, ref i, depth + 1)) return false;
                return i < s.Length && s[i++] == ')';
            default:
                return false; // h (fds are not sent), m, r, *, ?, a lone {
        }
    }
}
