using OciRuntime.Container;
using OciRuntime.Errors;

namespace OciRuntime.Tests;

/// <summary>`exec --cgroup`: runc 1.1.5's argument forms and errors, and the stay-inside rule.</summary>
public class ExecSubCgroupTests : IDisposable
{
    // Plain directories stand in for cgroups: Resolve only joins, checks and looks for the directory.
    private readonly string _parent = Directory.CreateTempSubdirectory("exec-subcgroup-").FullName;
    private string Container => Path.Combine(_parent, "c1");

    public ExecSubCgroupTests()
    {
        Directory.CreateDirectory(Path.Combine(Container, "sub", "deeper"));
        Directory.CreateDirectory(Path.Combine(_parent, "c1x"));
    }

    public void Dispose() => Directory.Delete(_parent, recursive: true);

    private string? Resolve(params string[] args) => ExecSubCgroup.Resolve(args, Container, "c1");

    [Fact]
    public void NoFlag_IsTheContainersCgroup() => Assert.Equal(Container, Resolve());

    [Theory]
    [InlineData("sub", "sub")]
    [InlineData(":sub", "sub")]
    [InlineData("/sub", "sub")]                 // relative to the container's cgroup, as runc's path.Join
    [InlineData("sub/x/../deeper", "sub/deeper")]
    [InlineData("./sub//deeper/", "sub/deeper")]
    [InlineData("", "")]
    [InlineData("sub/..", "")]
    public void PathsAreJoinedToTheContainersCgroup(string arg, string expected) =>
        Assert.Equal(Path.Join(Container, expected).TrimEnd('/'), Resolve(arg));

    [Fact]
    public void AnEmptyControllerEntry_AppliesToAll_AndWinsOverNamedOnes() =>
        Assert.Equal(Path.Join(Container, "sub"), Resolve("memory:other", ":sub"));

    [Theory]
    [InlineData("..")]
    [InlineData("../c1x")]          // a sibling whose name starts with the container's: runc 1.1.5 lets it through
    [InlineData("sub/../../c1x")]
    [InlineData("../../..")]
    public void PathsLeadingOutOfTheContainer_AreRefused(string arg)
    {
        var e = Assert.Throws<RuntimeException>(() => Resolve(arg));
        Assert.StartsWith($"invalid --cgroup argument: {arg} is not a sub-cgroup of the container's cgroup {Container}", e.Message);
    }

    [Fact]
    public void AMissingSubCgroup_SaysToCreateIt()
    {
        var e = Assert.Throws<RuntimeException>(() => Resolve("nope"));
        Assert.Contains($"the sub-cgroup {Path.Join(Container, "nope")} does not exist: create it first", e.Message);
    }

    [Theory]
    [InlineData(new[] { "a:b:c" }, "invalid --cgroup argument: a:b:c")]
    [InlineData(new[] { "sub", "other" }, "invalid --cgroup argument: sub (missing <controller>: prefix)")]
    [InlineData(new[] { "memory:sub", "other" }, "invalid --cgroup argument: other (missing <controller>: prefix)")]
    [InlineData(new[] { "no-such-controller:sub" }, "unknown controller no-such-controller")]
    public void ArgumentErrors_AreRuncs(string[] args, string message)
    {
        var e = Assert.Throws<RuntimeException>(() => Resolve(args));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void CommaSeparatedControllers_EachGetThePath()
    {
        var paths = ExecSubCgroup.Parse(new[] { "cpu,memory:a", "pids:b" });
        Assert.Equal(new Dictionary<string, string> { ["cpu"] = "a", ["memory"] = "a", ["pids"] = "b" }, paths);
    }

    [Fact]
    public void AContainerWithoutACgroup_RefusesTheFlag()
    {
        var e = Assert.Throws<RuntimeException>(() => ExecSubCgroup.Resolve(new[] { "sub" }, null, "c1"));
        Assert.Contains("container \"c1\" has no cgroup", e.Message);
    }
}
