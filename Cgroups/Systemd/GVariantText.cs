using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace OciRuntime.Cgroups.Systemd;

/// <summary>
/// Parses GVariant text format (what g_variant_parse, godbus's ParseVariant and so runc's
/// org.systemd.property.* annotations read) into a typed <see cref="GVariant"/>: booleans,
/// numbers (decimal, 0x hex, 0 octal, floats), '…' / "…" strings with escapes, b"…" byte strings,
/// [arrays], (tuples), {dicts: …}, {dict, entry}, &lt;variants&gt;, and types given by `@T value`
/// or a keyword (uint64 5, int32 -1, objectpath '/', signature 's', …). Untyped values infer as
/// GVariant does: an integer is int32, a number with '.' or an exponent a double, an array takes
/// the first element type it can tell. Maybe types and handles have no D-Bus form and are refused.
/// </summary>
public static class GVariantText
{
    public static GVariant Parse(string text)
    {
        var p = new Parser(text);
        Node n = p.Value();
        p.SkipSpace();
        if (!p.AtEnd) throw p.Error("unexpected text after the value");
        return Resolve(n, null);
    }

    // ---- syntax tree: what the text says before types are settled ---------------------------
    private abstract record Node(int At);
    private sealed record BoolNode(int At, bool Value) : Node(At);
    private sealed record NumNode(int At, string Text) : Node(At)
    {
        public bool IsFloat => !Text.Contains("0x", StringComparison.OrdinalIgnoreCase) && Text.IndexOfAny(new[] { '.', 'e', 'E' }) >= 0;
    }
    private sealed record StrNode(int At, string Value) : Node(At);
    private sealed record BytesNode(int At, byte[] Value) : Node(At);
    private sealed record ArrayNode(int At, List<Node> Items) : Node(At);
    private sealed record TupleNode(int At, List<Node> Items) : Node(At);
    private sealed record DictNode(int At, List<(Node Key, Node Value)> Entries) : Node(At);
    private sealed record EntryNode(int At, Node Key, Node Value) : Node(At);
    private sealed record VariantNode(int At, Node Inner) : Node(At);
    private sealed record TypedNode(int At, string Type, Node Inner) : Node(At);

    private static readonly Dictionary<string, string> Keywords = new(StringComparer.Ordinal)
    {
        ["boolean"] = "b", ["byte"] = "y", ["int16"] = "n", ["uint16"] = "q", ["int32"] = "i",
        ["uint32"] = "u", ["int64"] = "x", ["uint64"] = "t", ["double"] = "d", ["string"] = "s",
        ["objectpath"] = "o", ["signature"] = "g",
    };

    private sealed class Parser
    {
        private readonly string _s;
        private int _i;
        public Parser(string s) => _s = s;
        public bool AtEnd => _i >= _s.Length;

        public FormatException Error(string why, int? at = null) =>
            new($"{why} at offset {at ?? _i}");

        public void SkipSpace()
        {
            while (_i < _s.Length && char.IsWhiteSpace(_s[_i])) _i++;
        }

        private bool Eat(char c)
        {
            SkipSpace();
            if (_i < _s.Length && _s[_i] == c) { _i++; return true; }
            return false;
        }

        private void Expect(char c, string context)
        {
            if (!Eat(c)) throw Error(AtEnd ? $"the text ends where '{c}' {context} is expected" : $"expected '{c}' {context}, found '{_s[_i]}'");
        }

        private string Word()
        {
            int start = _i;
            while (_i < _s.Length && (char.IsAsciiLetterOrDigit(_s[_i]) || _s[_i] == '_')) _i++;
            return _s[start.._i];
        }

        public Node Value()
        {
            SkipSpace();
            if (AtEnd) throw Error("a value is expected, the text ends");
            int at = _i;
            char c = _s[_i];
            switch (c)
            {
                case '@':
                    _i++;
                    string type = TypeString();
                    return new TypedNode(at, type, Value());
                case '[':
                    _i++;
                    return new ArrayNode(at, List(']', "to close the array"));
                case '(':
                    _i++;
                    return new TupleNode(at, List(')', "to close the tuple"));
                case '<':
                    _i++;
                    Node inner = Value();
                    Expect('>', "to close the variant");
                    return new VariantNode(at, inner);
                case '{':
                    _i++;
                    return Dict(at);
                case '\'': case '"':
                    return new StrNode(at, QuotedString());
            }
            if (c == 'b' && _i + 1 < _s.Length && _s[_i + 1] is '\'' or '"')
            {
                _i++;
                return new BytesNode(at, Encoding.UTF8.GetBytes(QuotedString()));
            }
            if (char.IsAsciiDigit(c) || c is '-' or '+' or '.') return new NumNode(at, Number());
            if (char.IsAsciiLetter(c))
            {
                string w = Word();
                switch (w)
                {
                    case "true": return new BoolNode(at, true);
                    case "false": return new BoolNode(at, false);
                    case "nothing": case "just": throw Error("maybe values (just/nothing) have no D-Bus type", at);
                    case "handle": throw Error("handles (file descriptors) cannot be sent as a unit property", at);
                }
                if (Keywords.TryGetValue(w, out string? kt)) return new TypedNode(at, kt, Value());
                throw Error($"unknown word \"{w}\" (strings are quoted: '{w}')", at);
            }
            throw Error($"unexpected '{c}'");
        }

        private List<Node> List(char close, string context)
        {
            var items = new List<Node>();
            if (Eat(close)) return items;
            while (true)
            {
                items.Add(Value());
                if (Eat(close)) return items;
                Expect(',', $"or '{close}' {context}");
                if (Eat(close)) return items; // a trailing comma: (1,)
            }
        }

        private Node Dict(int at)
        {
            if (Eat('}')) return new DictNode(at, new());
            Node key = Value();
            if (Eat(','))
            {
                Node value = Value();
                Expect('}', "to close the dict entry");
                return new EntryNode(at, key, value);
            }
            var entries = new List<(Node, Node)>();
            while (true)
            {
                Expect(':', "between a dict's key and value");
                entries.Add((key, Value()));
                if (Eat('}')) return new DictNode(at, entries);
                Expect(',', "or '}' to close the dict");
                key = Value();
            }
        }

        private string TypeString()
        {
            int start = _i;
            while (_i < _s.Length && !char.IsWhiteSpace(_s[_i]) && "ybnqiuxtdsogvah(){}".IndexOf(_s[_i]) >= 0)
            {
                // The type ends where a complete type does: "@as[]" has no space before the value.
                _i++;
                if (GVariantSignature.IsSingleCompleteType(_s[start.._i])) return _s[start.._i];
            }
            string t = _s[start.._i];
            throw Error($"\"@{t}\" is not a single complete D-Bus type", start - 1);
        }

        private string Number()
        {
            int start = _i;
            if (_s[_i] is '-' or '+') _i++;
            while (_i < _s.Length && (char.IsAsciiLetterOrDigit(_s[_i]) || _s[_i] == '.' ||
                   (_s[_i] is '-' or '+' && _s[_i - 1] is 'e' or 'E' && !_s[start.._i].Contains("0x", StringComparison.OrdinalIgnoreCase)))) _i++;
            return _s[start.._i];
        }

        private string QuotedString()
        {
            char quote = _s[_i++];
            var sb = new StringBuilder();
            while (true)
            {
                if (AtEnd) throw Error($"the string is not closed with {quote}");
                char c = _s[_i++];
                if (c == quote) return sb.ToString();
                if (c != '\\') { sb.Append(c); continue; }
                if (AtEnd) throw Error("the text ends inside an escape");
                char e = _s[_i++];
                switch (e)
                {
                    case 'n': sb.Append('\n'); break;
                    case 't': sb.Append('\t'); break;
                    case 'r': sb.Append('\r'); break;
                    case 'b': sb.Append('\b'); break;
                    case 'f': sb.Append('\f'); break;
                    case 'a': sb.Append('\a'); break;
                    case 'v': sb.Append('\v'); break;
                    case 'u': sb.Append(char.ConvertFromUtf32(Hex(4))); break;
                    case 'U': sb.Append(char.ConvertFromUtf32(Hex(8))); break;
                    default: sb.Append(e); break; // \\ \' \" and any other char as itself
                }
            }
        }

        private int Hex(int digits)
        {
            if (_i + digits > _s.Length || !int.TryParse(_s.AsSpan(_i, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int v)
                || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
                throw Error($"expected {digits} hex digits of a Unicode code point");
            _i += digits;
            return v;
        }
    }

    // ---- types: inference as GVariant does, then conversion ----------------------------------

    /// <summary>The type a node says itself (annotation, booleans, strings), or null if only context can tell.</summary>
    private static string? Stated(Node n) => n switch
    {
        TypedNode t => t.Type,
        BoolNode => "b",
        StrNode => "s",
        BytesNode => "ay",
        VariantNode => "v",
        ArrayNode a => a.Items.Select(Stated).FirstOrDefault(t => t is not null) is { } e ? "a" + e : null,
        DictNode d => d.Entries.Select(x => Stated(x.Key)).FirstOrDefault(t => t is not null) is { } k
                      && d.Entries.Select(x => Stated(x.Value)).FirstOrDefault(t => t is not null) is { } v ? "a{" + k + v + "}" : null,
        EntryNode e => Stated(e.Key) is { } k && Stated(e.Value) is { } v ? "{" + k + v + "}" : null,
        TupleNode t => t.Items.Count > 0 && t.Items.All(i => Stated(i) is not null) ? "(" + string.Concat(t.Items.Select(Stated)) + ")" : null,
        _ => null,
    };

    /// <summary>The type a node gets when nothing states one: numbers default to int32 or double.</summary>
    private static string Inferred(Node n) => Stated(n) ?? n switch
    {
        NumNode num => num.IsFloat ? "d" : "i",
        ArrayNode { Items.Count: 0 } a => throw new FormatException($"the type of an empty array cannot be inferred (write @as [] or similar) at offset {a.At}"),
        ArrayNode a => "a" + ElementType(a.Items),
        DictNode { Entries.Count: 0 } d => throw new FormatException($"the type of an empty dict cannot be inferred (write @a{{sv}} {{}} or similar) at offset {d.At}"),
        DictNode d => "a{" + ElementType(d.Entries.Select(e => e.Key).ToList()) + ElementType(d.Entries.Select(e => e.Value).ToList()) + "}",
        EntryNode e => "{" + Inferred(e.Key) + Inferred(e.Value) + "}",
        TupleNode { Items.Count: 0 } t => throw new FormatException($"D-Bus has no empty tuple at offset {t.At}"),
        TupleNode t => "(" + string.Concat(t.Items.Select(Inferred)) + ")",
        _ => throw new FormatException($"cannot infer a type at offset {n.At}"),
    };

    /// <summary>An array's element type: the first one an element states, else the first's default ([1, 2.5] stays int32 as in GLib's first-come rule).</summary>
    private static string ElementType(List<Node> items)
    {
        foreach (Node i in items)
            if (Stated(i) is { } t) return t;
        if (items.All(i => i is NumNode) && items.Any(i => ((NumNode)i).IsFloat)) return "d";
        return Inferred(items[0]);
    }

    private static GVariant Resolve(Node n, string? type)
    {
        type ??= Inferred(n);
        switch (n)
        {
            case TypedNode t:
                if (t.Type != type) throw Mismatch(n, type, $"a value annotated as {t.Type}");
                return Resolve(t.Inner, type);
            case BoolNode b when type == "b":
                return new GVariant("b", b.Value);
            case NumNode num when type == "d":
                if (!double.TryParse(num.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) || !double.IsFinite(d))
                    throw new FormatException($"\"{num.Text}\" is not a number at offset {num.At}");
                return new GVariant("d", d);
            case NumNode num when type.Length == 1 && "ynqiuxt".Contains(type[0]):
                return new GVariant(type, Integer(num, type[0]));
            case StrNode s when type is "s":
                return new GVariant("s", s.Value);
            case StrNode s when type is "o":
                if (!IsObjectPath(s.Value)) throw new FormatException($"'{s.Value}' is not a D-Bus object path at offset {s.At}");
                return new GVariant("o", s.Value);
            case StrNode s when type is "g":
                if (!GVariantSignature.IsValid(s.Value)) throw new FormatException($"'{s.Value}' is not a D-Bus signature at offset {s.At}");
                return new GVariant("g", s.Value);
            case BytesNode y when type == "ay":
                return new GVariant("ay", y.Value.Select(v => new GVariant("y", (ulong)v)).ToList());
            case VariantNode v when type == "v":
                return new GVariant("v", new[] { Resolve(v.Inner, null) });
            case ArrayNode a when type[0] == 'a':
                string elem = type[1..];
                return new GVariant(type, a.Items.Select(i => Resolve(i, elem)).ToList());
            case DictNode dict when type.StartsWith("a{", StringComparison.Ordinal):
                string entry = type[1..];
                return new GVariant(type, dict.Entries.Select(e => Resolve(new EntryNode(e.Key.At, e.Key, e.Value), entry)).ToList());
            case EntryNode e when type[0] == '{':
                List<string> kv = GVariantSignature.Members(type);
                return new GVariant(type, new[] { Resolve(e.Key, kv[0]), Resolve(e.Value, kv[1]) });
            case TupleNode t when type[0] == '(':
                List<string> fields = GVariantSignature.Members(type);
                if (fields.Count != t.Items.Count)
                    throw new FormatException($"a tuple of {t.Items.Count} where {type} has {fields.Count} members at offset {t.At}");
                return new GVariant(type, t.Items.Select((i, k) => Resolve(i, fields[k])).ToList());
        }
        throw Mismatch(n, type, Describe(n));
    }

    private static FormatException Mismatch(Node n, string type, string what) =>
        new($"{what} where type {type} is expected at offset {n.At}");

    private static string Describe(Node n) => n switch
    {
        BoolNode => "a boolean",
        NumNode x => $"the number {x.Text}",
        StrNode => "a string",
        BytesNode => "a byte string",
        ArrayNode => "an array",
        DictNode => "a dict",
        EntryNode => "a dict entry",
        TupleNode => "a tuple",
        VariantNode => "a variant",
        _ => "a value",
    };

    private static ulong Integer(NumNode n, char type)
    {
        string t = n.Text;
        bool neg = t.StartsWith('-');
        string digits = t.TrimStart('-', '+');
        System.Numerics.BigInteger v = 0;
        bool ok;
        if (digits.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            ok = System.Numerics.BigInteger.TryParse("0" + digits[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out v) && digits.Length > 2;
        else if (digits.Length > 1 && digits[0] == '0')
        {
            ok = digits.All(c => c is >= '0' and <= '7');
            foreach (char c in digits) v = v * 8 + (c - '0');
        }
        else ok = digits.Length > 0 && digits.All(char.IsAsciiDigit) && System.Numerics.BigInteger.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out v);
        if (!ok) throw new FormatException($"\"{t}\" is not an integer at offset {n.At}");
        if (neg) v = -v;
        (System.Numerics.BigInteger min, System.Numerics.BigInteger max) = type switch
        {
            'y' => ((System.Numerics.BigInteger)0, (System.Numerics.BigInteger)byte.MaxValue),
            'n' => (short.MinValue, short.MaxValue),
            'q' => (0, ushort.MaxValue),
            'i' => (int.MinValue, int.MaxValue),
            'u' => (0, uint.MaxValue),
            'x' => (long.MinValue, long.MaxValue),
            _ => (0, (System.Numerics.BigInteger)ulong.MaxValue),
        };
        if (v < min || v > max) throw new FormatException($"{t} is out of range for type {type} ({min}..{max}) at offset {n.At}");
        return v < 0 ? unchecked((ulong)(long)v) : (ulong)v;
    }

    private static bool IsObjectPath(string p)
    {
        if (p == "/") return true;
        if (p.Length < 2 || p[0] != '/' || p[^1] == '/' || p.Contains("//", StringComparison.Ordinal)) return false;
        return p.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '/');
    }
}
