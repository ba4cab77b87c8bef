using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using OciRuntime.Logging;

namespace OciRuntime.Tests;

public class RuntimeLogTests
{
    [Fact]
    public void JsonLine_HasLevelMsgAndRfc3339Time()
    {
        using var doc = JsonDocument.Parse(RuntimeLog.JsonLine("error", "boom \"quoted\"\nline"));
        Assert.Equal("error", doc.RootElement.GetProperty("level").GetString());
        Assert.Equal("boom \"quoted\"\nline", doc.RootElement.GetProperty("msg").GetString());
        Assert.True(DateTimeOffset.TryParse(doc.RootElement.GetProperty("time").GetString(), out _));
    }

    [Fact]
    public void TextLine_IsLogrusShaped() =>
        Assert.Matches("^time=\"[^\"]+\" level=error msg=\"a \\\\\"b\\\\\"\"$", RuntimeLog.TextLine("error", "a \"b\""));

    [Theory]
    [InlineData("a\nb", "a\\nb")]
    [InlineData("tab\there\r", "tab\\there\\r")]
    [InlineData("esc\u001b[31m", "esc\\x1b[31m")]
    [InlineData("nul\0", "nul\\x00")]
    [InlineData("plain \"text\" ü 😀", "plain \"text\" ü 😀")]
    public void OneLine_EscapesControlCharacters(string raw, string expected) => Assert.Equal(expected, OneLine.Escape(raw));

    [Fact]
    public void OneLine_EscapesLoneSurrogates() =>
        // Built in code: xunit's theory data would not carry an unpaired surrogate through.
        Assert.Equal("lone \\ud800 surrogate", OneLine.Escape("lone " + (char)0xD800 + " surrogate"));

    // Any UTF-16 unit: controls, C1, lone surrogates, U+2028.
    private static readonly Gen<string> AnyText =
        Gen.Choose(0, 0xFFFF).Select(i => (char)i).ArrayOf().Select(a => new string(a));

    /// <summary>Whatever a config value holds, the error is one line and the JSON log line can be written.</summary>
    [Property(MaxTest = 500)]
    public Property OneLine_AnyString_IsOneLineAndJsonSafe() =>
        Prop.ForAll(AnyText.ToArbitrary(), s =>
        {
            string e = OneLine.Escape(s);
            bool oneLine = !e.Any(c => char.IsControl(c) || c == '\u2028' || c == '\u2029' || char.IsSurrogate(c) && !IsPaired(e, c));
            using var doc = JsonDocument.Parse(RuntimeLog.JsonLine("error", e));
            return oneLine && doc.RootElement.GetProperty("msg").GetString() == e;
        });

    private static bool IsPaired(string s, char c)
    {
        for (int i = 0; i < s.Length; i++)
            if (s[i] == c)
                return char.IsHighSurrogate(c) ? i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]) : i > 0 && char.IsHighSurrogate(s[i - 1]);
        return false;
    }
}
