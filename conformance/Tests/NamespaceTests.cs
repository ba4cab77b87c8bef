namespace OciRuntime.Conformance.Tests;

/// <summary>
/// Every namespace type is created new (its inode inside differs from the test process's) or joined by
/// path (the inode inside equals the holder's). Checked with readlink /proc/self/ns/X inside the container.
/// </summary>
public class NamespaceTests
{
    // config.json type → /proc/self/ns file
    public static string NsFile(string type) => type switch
    {
        "network" => "net",
        "mount" => "mnt",
        _ => type,
    };

    static Dictionary<string, string> ReadInodes(CliResult r) =>
        r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' ', 2))
            .Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => p[1].Trim());

    static string Script(IEnumerable<string> files) =>
        $"for n in {string.Join(' ', files)}; do echo \"$n $(readlink /proc/self/ns/$n)\"; done";

    [Theory]
    [InlineData("pid")]
    [InlineData("network")]
    [InlineData("ipc")]
    [InlineData("uts")]
    [InlineData("mount")]
    [InlineData("cgroup")]
    [InlineData("user")]
    public void NewNamespace_InodeDiffersFromHost(string type)
    {
        string file = NsFile(type);
        using var c = new Container("newns-" + type).Configure(b =>
        {
            if (type == "user") b.UserNamespace();
            else b.SetNamespace(type);
            b.Sh(Script([file]));
        });
        var r = c.Run().ShouldSucceed();
        var inside = ReadInodes(r);
        Assert.True(inside.ContainsKey(file), r.Describe());
        Assert.StartsWith(file + ":[", inside[file]);
        Assert.NotEqual(TestEnv.HostNs(file), inside[file]);
    }

    [Fact]
    public void AllNamespacesAtOnce_AreAllNew()
    {
        string[] types = ["pid", "network", "ipc", "uts", "mount", "cgroup", "user"];
        using var c = new Container("allns").Configure(b =>
        {
            foreach (var t in types) b.SetNamespace(t);
            b.UserNamespace();
            b.Sh(Script(types.Select(NsFile)));
        });
        var r = c.Run().ShouldSucceed();
        var inside = ReadInodes(r);
        foreach (var t in types)
        {
            string f = NsFile(t);
            Assert.True(inside.TryGetValue(f, out var ino), $"no {f} line\n{r.Describe()}");
            Assert.NotEqual(TestEnv.HostNs(f), ino);
        }
    }

    [Theory]
    [InlineData("network")]
    [InlineData("ipc")]
    [InlineData("uts")]
    [InlineData("cgroup")]
    public void NamespaceNotInConfig_IsSharedWithHost(string type)
    {
        string file = NsFile(type);
        using var c = new Container("hostns-" + type).Configure(b =>
        {
            b.RemoveNamespace(type);
            if (type == "uts") b.Config.Remove("hostname"); // a hostname needs a private uts namespace
            b.Sh(Script([file]));
        });
        var r = c.Run().ShouldSucceed();
        Assert.Equal(TestEnv.HostNs(file), ReadInodes(r)[file]);
    }

    [TimeNamespaceFact]
    public void NewTimeNamespace_InodeDiffersFromHost()
    {
        using var c = new Container("newns-time").Configure(b => b.SetNamespace("time").Sh(Script(["time"])));
        var r = c.Run();
        if (TestEnv.IsRunc)
        {
            // runc 1.1.5 predates time namespaces (runc 1.2): it refuses the config with
            // `namespace {"time" ""} does not exist`. oci-runtime must create one.
            Assert.True(r.ExitCode != 0, "runc 1.1.5 was expected to reject a time namespace\n" + r.Describe());
            Assert.Contains("time", r.Stderr);
            return;
        }
        r.ShouldSucceed();
        Assert.NotEqual(TestEnv.HostNs("time"), ReadInodes(r)["time"]);
    }

    [Theory]
    [InlineData("pid")]
    [InlineData("network")]
    [InlineData("ipc")]
    [InlineData("uts")]
    [InlineData("cgroup")]
    [InlineData("mount")]
    public void JoinNamespaceByPath_InodeEqualsTarget(string type)
    {
        string file = NsFile(type);
        using var holder = NamespaceHolder.AllButUser();
        string target = holder.NsInode(file);
        Assert.NotEqual(TestEnv.HostNs(file), target);
        using var c = new Container("joinns-" + type).Configure(b =>
        {
            b.SetNamespace(type, holder.NsPath(file));
            if (type == "uts") b.Config.Remove("hostname"); // do not rename the holder's uts namespace
            b.Sh(Script([file]));
        });
        var r = c.Run().ShouldSucceed();
        Assert.Equal(target, ReadInodes(r)[file]);
    }

    [Fact]
    public void JoinAllNamespacesByPath_AtOnce()
    {
        string[] types = ["pid", "network", "ipc", "uts", "cgroup", "mount"];
        using var holder = NamespaceHolder.AllButUser();
        using var c = new Container("joinall").Configure(b =>
        {
            foreach (var t in types) b.SetNamespace(t, holder.NsPath(NsFile(t)));
            b.Config.Remove("hostname");
            b.Sh(Script(types.Select(NsFile)));
        });
        var r = c.Run().ShouldSucceed();
        var inside = ReadInodes(r);
        foreach (var t in types)
            Assert.Equal(holder.NsInode(NsFile(t)), inside[NsFile(t)]);
    }

    [Fact]
    public void JoinUserNamespaceByPath_InodeEqualsTarget()
    {
        using var holder = NamespaceHolder.User(100000, 65536);
        string target = holder.NsInode("user");
        using var c = new Container("joinns-user").Configure(b =>
        {
            // runc insists on mappings even when joining; they describe the joined namespace's own maps.
            b.UserNamespace(100000, 65536, path: holder.NsPath("user"));
            b.Sh(Script(["user"]) + "; cat /proc/self/uid_map");
        });
        var r = c.Run().ShouldSucceed();
        Assert.Equal(target, ReadInodes(r)["user"]);
    }

    [Fact]
    public void UserNamespace_UidAndGidMapsInsideEqualConfig()
    {
        using var c = new Container("maps").Configure(b =>
        {
            b.UserNamespace();
            b.Linux["uidMappings"] = new System.Text.Json.Nodes.JsonArray(
                new System.Text.Json.Nodes.JsonObject { ["containerID"] = 0, ["hostID"] = 100000, ["size"] = 1000 },
                new System.Text.Json.Nodes.JsonObject { ["containerID"] = 1000, ["hostID"] = 300000, ["size"] = 64536 });
            b.Linux["gidMappings"] = new System.Text.Json.Nodes.JsonArray(
                new System.Text.Json.Nodes.JsonObject { ["containerID"] = 0, ["hostID"] = 200000, ["size"] = 65536 });
            b.Sh("cat /proc/self/uid_map; echo --; cat /proc/self/gid_map; echo --; id -u; id -g");
        });
        var r = c.Run().ShouldSucceed();
        var parts = r.Stdout.Split("--\n");
        Assert.True(parts.Length == 3, r.Describe());
        static string[][] Rows(string s) => s.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToArray();
        Assert.Equal([["0", "100000", "1000"], ["1000", "300000", "64536"]], Rows(parts[0]));
        Assert.Equal([["0", "200000", "65536"]], Rows(parts[1]));
        Assert.Equal("0\n0\n", parts[2]);
    }
}
