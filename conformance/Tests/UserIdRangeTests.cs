using System.Text.Json.Nodes;

namespace OciRuntime.Conformance.Tests;

/// <summary>
/// Issue 10 item 3: uid/gid 4294967295 is (uid_t)-1, which setresuid/setresgid read as "leave
/// unchanged": a runtime that passes it on starts the process as root (gid 0) without a word.
/// Ids outside 0..2147483647 must be refused, naming the JSON path (config.json, exec --process)
/// or the flag (exec -u / -g). A weakened build runs `id` and prints uid=0.
/// </summary>
public class UserIdRangeTests
{
    const string Id = "echo uid=$(id -u) gid=$(id -g) groups=$(id -G)";

    [Theory]
    [InlineData("uid", 4294967295u)]
    [InlineData("gid", 4294967295u)]
    [InlineData("uid", 2147483648u)]
    public void ConfigIdOutOfRange_IsRefused(string field, uint value)
    {
        using var c = new Container("idrange-" + field);
        c.Configure(b =>
        {
            b.Sh(Id);
            var user = new JsonObject { ["uid"] = 1000, ["gid"] = 1000 };
            user[field] = value;
            b.Process["user"] = user;
        });
        var r = c.Run();
        Assert.DoesNotContain("uid=0", r.Stdout);
        Assert.DoesNotContain("gid=0", r.Stdout);
        r.ShouldFail();
        Assert.Contains(TestEnv.IsRunc ? "uids and gids must be in range 0-2147483647" : $"config.json: process.user.{field}: invalid {field} {value}: must be between 0 and 2147483647", r.Stderr);
    }

    [Fact]
    public void AdditionalGidOutOfRange_IsRefused()
    {
        using var c = new Container("idrange-groups");
        c.Configure(b =>
        {
            b.Sh(Id);
            b.Process["user"] = new JsonObject { ["uid"] = 1000, ["gid"] = 1000, ["additionalGids"] = new JsonArray(5, 4294967295u) };
        });
        var r = c.Run().ShouldFail();
        Assert.Contains(TestEnv.IsRunc ? "uids and gids must be in range 0-2147483647" : "config.json: process.user.additionalGids[1]: invalid gid 4294967295", r.Stderr);
    }

    [Fact]
    public void LargestIdIsAccepted()
    {
        using var c = new Container("idrange-max");
        c.Configure(b =>
        {
            b.Sh(Id);
            b.Process["user"] = new JsonObject { ["uid"] = 2147483647, ["gid"] = 2147483647 };
        });
        Assert.Equal("uid=2147483647 gid=2147483647 groups=2147483647\n", c.Run().ShouldSucceed().Stdout);
    }

    static Container Running(string tag)
    {
        var c = new Container(tag).Configure(b => b.Args("sleep", "1000"));
        c.Create().ShouldSucceed();
        c.Start().ShouldSucceed();
        return c;
    }

    [Theory]
    [InlineData("4294967295:1000")]
    [InlineData("1000:4294967295")]
    public void ExecUserFlagOutOfRange_IsRefused(string user)
    {
        using var c = Running("idrange-exec");
        var r = c.Cli.Exec("exec", "-u", user, c.Id, "sh", "-c", Id);
        Assert.DoesNotContain("uid=0", r.Stdout);
        Assert.DoesNotContain("gid=0", r.Stdout);
        r.ShouldFail();
        if (!TestEnv.IsRunc) Assert.Contains("for --user: ids must be between 0 and 2147483647", r.Stderr);
    }

    [Fact]
    public void ExecProcessFileOutOfRange_IsRefused()
    {
        using var c = Running("idrange-execp");
        string file = Path.Combine(c.Dir, "process.json");
        File.WriteAllText(file, new JsonObject
        {
            ["user"] = new JsonObject { ["uid"] = 4294967295u, ["gid"] = 1000 },
            ["args"] = new JsonArray("sh", "-c", Id),
            ["env"] = new JsonArray("PATH=/bin"),
            ["cwd"] = "/",
        }.ToJsonString());
        var r = c.Cli.Exec("exec", "--process", file, c.Id);
        Assert.DoesNotContain("uid=0", r.Stdout);
        r.ShouldFail();
        if (!TestEnv.IsRunc) Assert.Contains("process.json: user.uid: invalid uid 4294967295", r.Stderr);
    }
}
