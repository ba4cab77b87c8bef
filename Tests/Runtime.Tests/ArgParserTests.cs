using FsCheck;
using FsCheck.Fluent;
using OciRuntime.Cli;

namespace OciRuntime.Tests;

public class ArgParserTests
{
    private static readonly OptionSpec[] Specs = { OptionSpec.Value("bundle", "b"), OptionSpec.Flag("detach", "d"), OptionSpec.Value("pid-file") };

    [Fact]
    public void ValueForms_AreEquivalent()
    {
        foreach (var argv in new[] { new[] { "--bundle", "/x", "id" }, new[] { "--bundle=/x", "id" }, new[] { "-b", "/x", "id" }, new[] { "-bundle=/x", "id" } })
        {
            ParsedArgs p = ArgParser.Parse(argv, Specs);
            Assert.Equal("/x", p.Value("bundle"));
            Assert.Equal(new[] { "id" }, p.Positionals);
        }
    }

    [Fact]
    public void FlagsStopAtFirstPositional_SoExecArgsKeepTheirDashes()
    {
        ParsedArgs p = ArgParser.Parse(new[] { "-d", "id", "ls", "-l" }, Specs);
        Assert.True(p.Has("detach"));
        Assert.Equal(new[] { "id", "ls", "-l" }, p.Positionals);
    }

    [Fact]
    public void BooleanFlag_AcceptsExplicitFalse()
    {
        Assert.False(ArgParser.Parse(new[] { "--detach=false", "id" }, Specs).Has("detach"));
        Assert.True(ArgParser.Parse(new[] { "--detach=true", "id" }, Specs).Has("detach"));
    }

    [Fact]
    public void UnknownFlag_IsRuncsError()
    {
        var e = Assert.Throws<UsageException>(() => ArgParser.Parse(new[] { "--nope", "id" }, Specs));
        Assert.Equal("flag provided but not defined: -nope", e.Message);
    }

    [Fact]
    public void MissingValue_IsAnError() =>
        Assert.Throws<UsageException>(() => ArgParser.Parse(new[] { "--pid-file" }, Specs));

    [FsCheck.Xunit.Property(MaxTest = 300)]
    public bool SpaceAndEqualsForms_GiveTheSameValue(NonEmptyString value)
    {
        string v = value.Get;
        ParsedArgs a = ArgParser.Parse(new[] { "--pid-file", v, "id" }, Specs);
        ParsedArgs b = ArgParser.Parse(new[] { "--pid-file=" + v, "id" }, Specs);
        return a.Value("pid-file") == v && b.Value("pid-file") == v;
    }
}
