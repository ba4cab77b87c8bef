using System.Text.Json.Nodes;

namespace OciRuntime.Conformance.Tests;

/// <summary>
/// What the plan carries to the kernel: argv and env of any size the kernel takes (the sealed
/// init has no fixed limit; it used to stop at 4096), and no string with a NUL byte, which the
/// kernel would silently cut ("/bin/sh\0-c" would run "/bin/sh").
/// </summary>
public class PlanStringTests
{
    [Fact]
    public void TenThousandArguments_AllReachTheProcess()
    {
        var args = new List<string> { "sh", "-c", "echo $#", "sh" };
        args.AddRange(Enumerable.Range(0, 10_000).Select(i => "a" + i));
        using var c = new Container("argv-10k").Configure(b => b.Args([.. args]));
        var r = c.Run().ShouldSucceed();
        Assert.Equal("10000", r.Stdout.Trim());
    }

    [Fact]
    public void TenThousandEnvironmentVariables_AllReachTheProcess()
    {
        using var c = new Container("env-10k").Configure(b =>
        {
            var env = b.Process["env"]!.AsArray();
            for (int i = 0; i < 10_000; i++) env.Add($"V{i}=x");
            b.Args("sh", "-c", "env | grep -c '^V[0-9]*=x$'");
        });
        Assert.Equal("10000", c.Run().ShouldSucceed().Stdout.Trim());
    }

    [Theory]
    [InlineData("args")]
    [InlineData("hook")]
    [InlineData("mount option")] // found by the config fuzzer: it was reported as an unexpected exception
    public void NulByteInAString_IsRefused_WithOneLine(string where)
    {
        using var c = new Container("nul-" + where).Configure(b =>
        {
            if (where == "args") b.Args("/bin/echo", "safe\0evil");
            else if (where == "mount option")
            {
                b.Args("true");
                b.AddMount("/mnt", "tmpfs", "tmpfs", "size=1m\0,mode=777");
            }
            else
            {
                b.Args("true");
                b.Config["hooks"] = new JsonObject
                {
                    ["prestart"] = new JsonArray(new JsonObject { ["path"] = "/bin/true", ["args"] = new JsonArray("true", "a\0b") }),
                };
            }
        });
        var r = c.Run().ShouldFail();
        if (TestEnv.IsRunc) return; // runc 1.1.5: Go's exec refuses it with its own words
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("NUL byte", r.Stderr);
        Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain("   at ", r.Stderr);
        Assert.DoesNotContain("Exception", r.Stderr);
    }
}
