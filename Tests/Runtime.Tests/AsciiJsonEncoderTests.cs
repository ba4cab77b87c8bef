using System;
using System.IO;
using System.Text.Json;
using OciRuntime.Json;

namespace OciRuntime.Tests;

/// <summary>AsciiJsonEncoder writes exactly what Utf8JsonWriter writes with its default encoder.</summary>
public sealed class AsciiJsonEncoderTests
{
    private static string Write(string key, string value, JsonWriterOptions options)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, options))
        {
            w.WriteStartObject();
            w.WriteString(key, value);
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(ms.ToArray());
    }

    private static void Same(string key, string value)
    {
        Assert.Equal(Write(key, value, new JsonWriterOptions()), Write(key, value, AsciiJsonEncoder.Compact));
        Assert.Equal(Write(key, value, new JsonWriterOptions { Indented = true }), Write(key, value, AsciiJsonEncoder.Indented));
    }

    [Fact]
    public void EveryBmpCharacter_AloneAndInText()
    {
        for (int c = 0; c <= 0xFFFF; c++)
        {
            if (c is >= 0xD800 and <= 0xDFFF) continue; // a lone surrogate is not a string the writer accepts
            string s = ((char)c).ToString();
            Same("k", s);
            if (c % 251 == 0) Same("k" + s, "/run/a" + s + "b/" + s);
        }
    }

    [Fact]
    public void SupplementaryCharacters_AndRandomStrings()
    {
        Same("emoji", "a\U0001F600b\U0010FFFFc");
        var rng = new Random(16);
        char[] pool = "aZ09/ -_.:\"\\\n\t\r\b\f\u0001\u001f\u007f&'+<>`üß€\u2028\u2029\uFFFD".ToCharArray();
        for (int i = 0; i < 5000; i++)
        {
            var b = new char[rng.Next(0, 40)];
            for (int j = 0; j < b.Length; j++) b[j] = pool[rng.Next(pool.Length)];
            string s = new string(b);
            Same(s.Length > 0 ? s : "k", s + "\U0001F4A9");
        }
    }
}
