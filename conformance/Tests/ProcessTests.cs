using System.Text.Json.Nodes;

namespace OciRuntime.Conformance.Tests;

/// <summary>The process section of config.json, as seen from inside the container.</summary>
public class ProcessTests
{
    static JsonArray Names(params string[] names) => new(names.Select(n => (JsonNode?)JsonValue.Create(n)).ToArray());

    [Fact]
    public void Hostname_IsSet()
    {
        using var c = new Container("hostname").Configure(b =>
        {
            b.SetNamespace("uts");
            b.Config["hostname"] = "conformance-host";
            b.Args("hostname");
        });
        Assert.Equal("conformance-host\n", c.Run().ShouldSucceed().Stdout);
    }

    [Fact]
    public void Domainname_IsSet()
    {
        using var c = new Container("domainname").Configure(b =>
        {
            b.SetNamespace("uts");
            b.Config["hostname"] = "conformance-host";
            b.Config["domainname"] = "conformance.example";
            b.Args("cat", "/proc/sys/kernel/domainname");
        });
        var r = c.Run().ShouldSucceed();
        if (TestEnv.IsRunc)
        {
            // runc 1.1.5 predates `domainname` support (runc 1.2): it ignores the field, leaving the new
            // uts namespace's default "(none)". oci-runtime must set it.
            Assert.Equal("(none)\n", r.Stdout);
            return;
        }
        Assert.Equal("conformance.example\n", r.Stdout);
    }

    // For uid 0 the kernel recomputes the permitted/effective sets at execve as bounding | inheritable |
    // ambient, so the configured sets are chosen with effective = permitted = bounding.
    [Fact]
    public void Capabilities_Root_AllFiveSetsEqualConfig()
    {
        string[] bounding = ["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_NET_BIND_SERVICE", "CAP_NET_RAW", "CAP_AUDIT_WRITE", "CAP_SYS_CHROOT"];
        string[] inheritable = ["CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_NET_RAW"];
        string[] ambient = ["CAP_NET_BIND_SERVICE", "CAP_NET_RAW"];
        using var c = new Container("caps-root").Configure(b =>
        {
            b.Process["capabilities"] = new JsonObject
            {
                ["bounding"] = Names(bounding),
                ["effective"] = Names(bounding),
                ["permitted"] = Names(bounding),
                ["inheritable"] = Names(inheritable),
                ["ambient"] = Names(ambient),
            };
            b.Args("cat", "/proc/self/status");
        });
        var status = Capabilities.StatusFields(c.Run().ShouldSucceed().Stdout);
        Assert.Equal(Capabilities.Hex(bounding), status["CapBnd"]);
        Assert.Equal(Capabilities.Hex(bounding), status["CapPrm"]);
        Assert.Equal(Capabilities.Hex(bounding), status["CapEff"]);
        Assert.Equal(Capabilities.Hex(inheritable), status["CapInh"]);
        Assert.Equal(Capabilities.Hex(ambient), status["CapAmb"]);
    }

    // For a non-root user only the ambient set survives execve into permitted/effective, so the
    // configured effective = permitted = inheritable = ambient; bounding stays larger.
    [Fact]
    public void Capabilities_NonRootUser_KeepsAmbientCapabilities()
    {
        string[] bounding = ["CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_NET_RAW", "CAP_SETUID"];
        string[] ambient = ["CAP_NET_BIND_SERVICE", "CAP_NET_RAW"];
        using var c = new Container("caps-user").Configure(b =>
        {
            b.Process["user"] = new JsonObject { ["uid"] = 1000, ["gid"] = 1000 };
            b.Process["capabilities"] = new JsonObject
            {
                ["bounding"] = Names(bounding),
                ["effective"] = Names(ambient),
                ["permitted"] = Names(ambient),
                ["inheritable"] = Names(ambient),
                ["ambient"] = Names(ambient),
            };
            b.Args("cat", "/proc/self/status");
        });
        var status = Capabilities.StatusFields(c.Run().ShouldSucceed().Stdout);
        Assert.Equal("1000\t1000\t1000\t1000", status["Uid"]);
        Assert.Equal(Capabilities.Hex(bounding), status["CapBnd"]);
        Assert.Equal(Capabilities.Hex(ambient), status["CapPrm"]);
        Assert.Equal(Capabilities.Hex(ambient), status["CapEff"]);
        Assert.Equal(Capabilities.Hex(ambient), status["CapInh"]);
        Assert.Equal(Capabilities.Hex(ambient), status["CapAmb"]);
    }

    [Fact]
    public void Capabilities_EmptySets_MeanNoCapabilities()
    {
        using var c = new Container("caps-none").Configure(b =>
        {
            b.Process["capabilities"] = new JsonObject
            {
                ["bounding"] = Names(), ["effective"] = Names(), ["permitted"] = Names(),
                ["inheritable"] = Names(), ["ambient"] = Names(),
            };
            b.Args("cat", "/proc/self/status");
        });
        var status = Capabilities.StatusFields(c.Run().ShouldSucceed().Stdout);
        foreach (var f in new[] { "CapBnd", "CapPrm", "CapEff", "CapInh", "CapAmb" })
            Assert.Equal("0000000000000000", status[f]);
    }

    [Fact]
    public void Rlimits_AreApplied()
    {
        using var c = new Container("rlimits").Configure(b =>
        {
            b.Process["rlimits"] = new JsonArray(
                new JsonObject { ["type"] = "RLIMIT_NOFILE", ["soft"] = 1000, ["hard"] = 2000 },
                new JsonObject { ["type"] = "RLIMIT_NPROC", ["soft"] = 500, ["hard"] = 600 },
                new JsonObject { ["type"] = "RLIMIT_CORE", ["soft"] = 0, ["hard"] = 4096 });
            b.Sh("ulimit -n; cat /proc/self/limits");
        });
        var r = c.Run().ShouldSucceed();
        var lines = r.Stdout.Split('\n');
        Assert.Equal("1000", lines[0]);
        static string[] Limit(string[] lines, string name) =>
            lines.First(l => l.StartsWith(name, StringComparison.Ordinal))[name.Length..]
                .Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["1000", "2000", "files"], Limit(lines, "Max open files"));
        Assert.Equal(["500", "600", "processes"], Limit(lines, "Max processes"));
        Assert.Equal(["0", "4096", "bytes"], Limit(lines, "Max core file size"));
    }

    [Theory]
    [InlineData(true, "1")]
    [InlineData(false, "0")]
    public void NoNewPrivileges_IsReflectedInStatus(bool nnp, string expected)
    {
        using var c = new Container("nnp").Configure(b =>
        {
            b.Process["noNewPrivileges"] = nnp;
            b.Args("cat", "/proc/self/status");
        });
        var status = Capabilities.StatusFields(c.Run().ShouldSucceed().Stdout);
        Assert.Equal(expected, status["NoNewPrivs"]);
    }

    [Fact]
    public void Umask_IsApplied()
    {
        using var c = new Container("umask").Configure(b =>
        {
            b.Process["user"] = new JsonObject { ["uid"] = 0, ["gid"] = 0, ["umask"] = 23 };
            b.Args("sh", "-c", "umask");
        });
        Assert.Equal("0027\n", c.Run().ShouldSucceed().Stdout);
    }

    [Fact]
    public void Cwd_IsApplied()
    {
        using var c = new Container("cwd").Configure(b =>
        {
            b.Process["cwd"] = "/etc";
            b.Args("pwd");
        });
        Assert.Equal("/etc\n", c.Run().ShouldSucceed().Stdout);
    }

    [Fact]
    public void UidGidAndAdditionalGids_AreApplied()
    {
        using var c = new Container("ids").Configure(b =>
        {
            b.Process["user"] = new JsonObject { ["uid"] = 1000, ["gid"] = 1001, ["additionalGids"] = new JsonArray(5, 10) };
            b.Sh("id -u; id -g; id -G; grep -E '^(Uid|Gid|Groups):' /proc/self/status");
        });
        var r = c.Run().ShouldSucceed();
        var lines = r.Stdout.Split('\n');
        Assert.Equal("1000", lines[0]);
        Assert.Equal("1001", lines[1]);
        Assert.Equal(new[] { "1001", "10", "5" }.Order(), lines[2].Split(' ').Order());
        var status = Capabilities.StatusFields(r.Stdout);
        Assert.Equal("1000\t1000\t1000\t1000", status["Uid"]);
        Assert.Equal("1001\t1001\t1001\t1001", status["Gid"]);
        Assert.Equal(new[] { "10", "5" }.Order(), status["Groups"].Split(' ', StringSplitOptions.RemoveEmptyEntries).Order());
    }

    [Fact]
    public void Env_IsPassed()
    {
        using var c = new Container("env").Configure(b =>
        {
            b.Process["env"] = new JsonArray("PATH=/bin", "CONFORMANCE_VAR=hello world");
            b.Sh("echo \"$CONFORMANCE_VAR\"; echo \"$PATH\"");
        });
        Assert.Equal("hello world\n/bin\n", c.Run().ShouldSucceed().Stdout);
    }
}
