using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using OciRuntime.Cgroups.Systemd;

namespace OciRuntime.Cgroups.Tests;

/// <summary>
/// The GVariant text parser behind org.systemd.property.* annotations: what godbus's ParseVariant
/// (so runc 1.1.5) accepts and the types it infers, wire bytes as D-Bus wants them, and random
/// values and random text as FsCheck properties.
/// </summary>
public class GVariantTextTests
{
    private static byte[] Wire(GVariant v)
    {
        var w = new DBusWriter();
        w.Signature(v.Signature); // as in a(sv): the variant's signature, then the value
        v.WriteTo(w);
        return w.ToArray();
    }

    [Theory]
    [InlineData("uint64 123", "t", "@t 123")]
    [InlineData("@t 5", "t", "@t 5")]
    [InlineData("123", "i", "@i 123")]
    [InlineData("-7", "i", "@i -7")]
    [InlineData("0x10", "i", "@i 16")]
    [InlineData("010", "i", "@i 8")]
    [InlineData("1.5", "d", "@d 1.5")]
    [InlineData("2e3", "d", "@d 2000")]
    [InlineData("true", "b", "true")]
    [InlineData("false", "b", "false")]
    [InlineData("'inactive-or-failed'", "s", "'inactive-or-failed'")]
    [InlineData("\"a\\\"b\\n\"", "s", "'a\"b\n'")]
    [InlineData("'\\u00e9'", "s", "'é'")]
    [InlineData("byte 255", "y", "@y 255")]
    [InlineData("int16 -32768", "n", "@n -32768")]
    [InlineData("uint32 4294967295", "u", "@u 4294967295")]
    [InlineData("int64 -1", "x", "@x -1")]
    [InlineData("uint64 18446744073709551615", "t", "@t 18446744073709551615")]
    [InlineData("objectpath '/org/x'", "o", "objectpath '/org/x'")]
    [InlineData("signature 'a(sv)'", "g", "signature 'a(sv)'")]
    [InlineData("['a', 'b']", "as", "@as ['a', 'b']")]
    [InlineData("[1, 2]", "ai", "@ai [1, 2]")]
    [InlineData("[1, uint64 2]", "at", "@at [1, 2]")]
    [InlineData("[1, 2.5]", "ad", "@ad [1, 2.5]")]
    [InlineData("@as []", "as", "@as []")]
    [InlineData("@as[]", "as", "@as []")]
    [InlineData("[('/dev/null', 'rwm')]", "a(ss)", "@a(ss) [('/dev/null', 'rwm')]")]
    [InlineData("('a', 1,)", "(si)", "@(si) ('a', 1)")]
    [InlineData("(1,)", "(i)", "@(i) (1,)")]
    [InlineData("{'a': 1, 'b': 2}", "a{si}", "@a{si} {'a': 1, 'b': 2}")]
    [InlineData("{'a', <true>}", "{sv}", "@{sv} {'a', <true>}")]
    [InlineData("<uint64 1>", "v", "<@t 1>")]
    [InlineData("b'ab'", "ay", "@ay [97, 98]")]
    [InlineData("  uint64   7  ", "t", "@t 7")]
    [InlineData("[[1], []]", "aai", "@aai [[1], []]")]
    public void Parses_WithGVariantsTypes(string text, string signature, string printed)
    {
        GVariant v = GVariantText.Parse(text);
        Assert.Equal(signature, v.Signature);
        Assert.Equal(printed, v.ToString());
    }

    [Theory]
    [InlineData("", "a value is expected")]
    [InlineData("uint64", "a value is expected")]
    [InlineData("inactive", "unknown word")]
    [InlineData("'open", "not closed")]
    [InlineData("[]", "empty array")]
    [InlineData("{}", "empty dict")]
    [InlineData("[1, 'a']", "the number 1 where type s is expected")]
    [InlineData("byte 256", "out of range")]
    [InlineData("uint64 -1", "out of range")]
    [InlineData("int32 2147483648", "out of range")]
    [InlineData("uint64 1.5", "not an integer")]
    [InlineData("09", "not an integer")]
    [InlineData("@t 'x'", "a string where type t is expected")]
    [InlineData("@q", "a value is expected")]
    [InlineData("@z 1", "not a single complete D-Bus type")]
    [InlineData("@mi 1", "not a single complete D-Bus type")]
    [InlineData("nothing", "maybe")]
    [InlineData("just 1", "maybe")]
    [InlineData("handle 1", "handles")]
    [InlineData("()", "no empty tuple")]
    [InlineData("1 2", "unexpected text after the value")]
    [InlineData("[1, 2", "the text ends")]
    [InlineData("objectpath 'x'", "not a D-Bus object path")]
    [InlineData("signature 'a'", "not a D-Bus signature")]
    [InlineData("@(ii) (1,)", "a tuple of 1")]
    [InlineData("<1", "close the variant")]
    [InlineData("'\\ud800'", "Unicode code point")]
    public void Refuses_WithTheReasonAndWhere(string text, string why)
    {
        var e = Assert.Throws<FormatException>(() => GVariantText.Parse(text));
        Assert.Contains(why, e.Message);
        Assert.Contains("at offset", e.Message);
    }

    [Fact]
    public void Wire_Uint64_IsAlignedAfterTheSignature()
    {
        byte[] b = Wire(GVariantText.Parse("uint64 123"));
        // signature "t": 1 + 1 + NUL = 3 bytes, pad to 8, then 8 little-endian bytes
        Assert.Equal(new byte[] { 1, (byte)'t', 0, 0, 0, 0, 0, 0, 123, 0, 0, 0, 0, 0, 0, 0 }, b);
    }

    [Fact]
    public void Wire_ArrayOfStructs_MatchesTheDriversOwnMarshalling()
    {
        byte[] b = Wire(GVariantText.Parse("[('/dev/null', 'rw')]"));
        var w = new DBusWriter();
        w.Signature("a(ss)");
        var a = w.BeginArray(8);
        w.BeginStruct();
        w.String("/dev/null");
        w.String("rw");
        w.EndArray(a);
        Assert.Equal(w.ToArray(), b);
    }

    [Fact]
    public void Wire_Variant_CarriesTheInnerSignature()
    {
        byte[] b = Wire(GVariantText.Parse("<int16 -2>"));
        Assert.Equal(new byte[] { 1, (byte)'v', 0, 1, (byte)'n', 0, 0xFE, 0xFF }, b);
    }

    // ---- properties ---------------------------------------------------------------------------

    private static readonly Gen<string> BasicType = Gen.Elements("b", "y", "n", "q", "i", "u", "x", "t", "d", "s", "o", "g");

    private static Gen<string> TypeGen(int depth) => depth <= 0 ? BasicType : Gen.Frequency(
        (6, BasicType),
        (2, TypeGen(depth - 1).Select(t => "a" + t)),
        (1, Gen.Constant("v")),
        (1, from k in Gen.Elements("s", "y", "t", "o") from v in TypeGen(depth - 1) select "a{" + k + v + "}"),
        (2, from n in Gen.Choose(1, 3) from ts in Gen.ArrayOf(TypeGen(depth - 1), n) select "(" + string.Concat(ts) + ")"));

    private static Gen<GVariant> ValueGen(string t, int depth)
    {
        switch (t[0])
        {
            case 'b': return Gen.Elements(true, false).Select(b => new GVariant("b", b));
            case 'y': return Gen.Choose(0, 255).Select(x => new GVariant("y", (ulong)x));
            case 'n': return Gen.Choose(short.MinValue, short.MaxValue).Select(x => new GVariant("n", unchecked((ulong)(long)x)));
            case 'q': return Gen.Choose(0, ushort.MaxValue).Select(x => new GVariant("q", (ulong)x));
            case 'i': return ArbMap.Default.GeneratorFor<int>().Select(x => new GVariant("i", unchecked((ulong)(long)x)));
            case 'u': return ArbMap.Default.GeneratorFor<uint>().Select(x => new GVariant("u", (ulong)x));
            case 'x': return ArbMap.Default.GeneratorFor<long>().Select(x => new GVariant("x", unchecked((ulong)x)));
            case 't': return Gen.OneOf(ArbMap.Default.GeneratorFor<ulong>(), Gen.Elements(0UL, ulong.MaxValue, 1UL << 63)).Select(x => new GVariant("t", x));
            case 'd': return ArbMap.Default.GeneratorFor<double>().Where(double.IsFinite).Select(x => new GVariant("d", x));
            case 's': return ArbMap.Default.GeneratorFor<string>().Where(s => s is not null).Select(s => new GVariant("s", s));
            case 'o': return Gen.Elements("/", "/org/freedesktop/systemd1", "/a_1/B2").Select(s => new GVariant("o", s));
            case 'g': return Gen.Elements("", "s", "a(sv)", "a{sa{sv}}").Select(s => new GVariant("g", s));
            case 'v': return TypeGen(Math.Max(0, depth - 1)).SelectMany(inner => ValueGen(inner, depth - 1)).Select(x => new GVariant("v", new[] { x }));
            case 'a':
                string elem = t[1..];
                return Gen.Choose(0, 3).SelectMany(n => Gen.ArrayOf(ValueGen(elem, depth - 1), n)).Select(items => new GVariant(t, items));
            default: // ( or {
                List<string> members = GVariantSignature.Members(t);
                Gen<List<GVariant>> acc = Gen.Constant(new List<GVariant>());
                foreach (string m in members)
                {
                    Gen<GVariant> g = ValueGen(m, depth - 1);
                    acc = from l in acc from v in g select l.Append(v).ToList();
                }
                return acc.Select(items => new GVariant(t, items));
        }
    }

    private static readonly Gen<GVariant> AnyValue = TypeGen(3).SelectMany(t => ValueGen(t, 3));

    [Property(MaxTest = 400)]
    public Property PrintedValues_ParseBackToTheSameTypeAndWireBytes() =>
        Prop.ForAll(AnyValue.ToArbitrary(), v =>
        {
            GVariant back = GVariantText.Parse(v.ToString());
            return back.Signature == v.Signature && Wire(back).AsSpan().SequenceEqual(Wire(v));
        });

    [Property(MaxTest = 300)]
    public Property Integers_InRangeParse_OutOfRangeAreRefused() =>
        Prop.ForAll(Gen.Elements('y', 'n', 'q', 'i', 'u', 'x', 't').ToArbitrary(), ArbMap.Default.GeneratorFor<long>().ToArbitrary(), Gen.Elements(1.0, 1e3, 1e9, 1e18).ToArbitrary(),
            (type, raw, scale) =>
            {
                var n = new System.Numerics.BigInteger(raw) * new System.Numerics.BigInteger(scale) / 1000;
                (System.Numerics.BigInteger min, System.Numerics.BigInteger max) = type switch
                {
                    'y' => ((System.Numerics.BigInteger)0, (System.Numerics.BigInteger)255), 'n' => (short.MinValue, short.MaxValue), 'q' => (0, ushort.MaxValue),
                    'i' => (int.MinValue, int.MaxValue), 'u' => (0, uint.MaxValue),
                    'x' => (long.MinValue, long.MaxValue), _ => (0, (System.Numerics.BigInteger)ulong.MaxValue),
                };
                string text = $"@{type} {n}";
                if (n < min || n > max)
                {
                    try { GVariantText.Parse(text); return false; }
                    catch (FormatException e) { return e.Message.Contains("out of range"); }
                }
                GVariant v = GVariantText.Parse(text);
                return v.Signature == type.ToString() && v.ToString() == text;
            });

    [Property(MaxTest = 300)]
    public Property AnyString_QuotedEitherWay_RoundTrips() =>
        Prop.ForAll(ArbMap.Default.GeneratorFor<string>().Where(s => s is not null).ToArbitrary(), Gen.Elements('\'', '"').ToArbitrary(), (s, q) =>
        {
            string quoted = q + s.Replace("\\", "\\\\").Replace(q.ToString(), "\\" + q) + q;
            GVariant v = GVariantText.Parse(quoted);
            return v.Signature == "s" && (string)v.Scalar! == s;
        });

    /// <summary>Whatever the annotation says, the parser answers a value or a FormatException (the runtime's one-line error), never another exception.</summary>
    [Property(MaxTest = 1000)]
    public Property RandomText_IsAValueOrAFormatException() =>
        Prop.ForAll(Gen.OneOf(
                ArbMap.Default.GeneratorFor<string>().Where(s => s is not null),
                Gen.ArrayOf(Gen.Elements("[", "]", "(", ")", "{", "}", "<", ">", ",", ":", "@", "a", "s", "t", "v", "(sv)", "1", "-", "0x",
                    "'", "\"", "\\", "u", "uint64 ", "true", " ", "e", ".", "b'", "nothing", "{s")).Select(string.Concat)).ToArbitrary(),
            text =>
            {
                try { GVariantText.Parse(text); return true; }
                catch (FormatException) { return true; }
            });
}
