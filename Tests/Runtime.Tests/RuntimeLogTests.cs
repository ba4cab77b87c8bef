using System.Text.Json;
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
}
