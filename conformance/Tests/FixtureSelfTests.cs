namespace OciRuntime.Conformance.Tests;

/// <summary>The fixtures' own promises: ShouldFail never accepts a crash as the expected failure.</summary>
public class FixtureSelfTests
{
    static CliResult Sh(string script) => ProcessRunner.Run("/bin/sh", ["-c", script]);

    [Fact]
    public void ShouldFail_AcceptsExitOneWithAnErrorLine() =>
        Sh("echo 'container \"x\" does not exist' >&2; exit 1").ShouldFail();

    [Theory]
    [InlineData("exit 134")]                                                         // .NET abort
    [InlineData("exit 2")]                                                           // Go panic status
    [InlineData("kill -9 $$")]                                                       // killed
    [InlineData("echo 'Unhandled exception. System.OverflowException: x' >&2; exit 1")]
    [InlineData("printf 'boom\\n   at OciRuntime.Program.Main(String[] argv)\\n' >&2; exit 1")]
    [InlineData("echo 'panic: runtime error' >&2; echo 'goroutine 1 [running]:' >&2; exit 1")]
    public void ShouldFail_RejectsACrash(string script) =>
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => Sh(script).ShouldFail());

    [Fact]
    public void ShouldFail_TakesExecsStatus() => Sh("exit 255").ShouldFail(255);
}
