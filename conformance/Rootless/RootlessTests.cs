using System.Text.Json.Nodes;

namespace OciRuntime.Conformance.Rootless;

/// <summary>
/// The runtime run by a real unprivileged user (RootlessUser), as runc is run the same way (the
/// oracle: every test passes with OCI_RUNTIME=/usr/sbin/runc, except where marked). On this
/// hybrid-cgroup host the user has no delegated cgroup: containers run without one.
/// Limits and --systemd-cgroup with a delegated cgroup v2 subtree and a user systemd manager are
/// not tested here (they need the systemd guest).
/// </summary>
[Trait("Category", "Rootless")]
public class RootlessTests : IClassFixture<RootlessUser>
{
    readonly RootlessUser _u;

    public RootlessTests(RootlessUser user) => _u = user;

    static string StateDirName => TestEnv.IsRunc ? "runc" : "oci-runtime";

    JsonObject Config(string id, out string dir, params string[] args)
    {
        var (d, config) = _u.NewBundle(id, args);
        dir = d;
        return config;
    }

    CliResult Run(string id, string dir, JsonObject config, params string[] globals)
    {
        RootlessUser.Save(dir, config);
        return _u.Exec([.. globals, "run", "--bundle", dir, id]);
    }

    [Fact]
    public void SpecRootless_WritesRuncsRootlessConfig()
    {
        var (_, c) = _u.NewBundle(TestEnv.NewId("rl-spec"), "true");
        var ns = c["linux"]!["namespaces"]!.AsArray().Select(n => (string?)n!["type"]).ToList();
        Assert.Contains("user", ns);
        Assert.DoesNotContain("network", ns);
        Assert.Equal($"{_u.Uid}", c["linux"]!["uidMappings"]![0]!["hostID"]!.ToString());
        Assert.Equal($"{_u.Gid}", c["linux"]!["gidMappings"]![0]!["hostID"]!.ToString());
        Assert.Equal("1", c["linux"]!["uidMappings"]![0]!["size"]!.ToString());
        var sys = c["mounts"]!.AsArray().Single(m => (string?)m!["destination"] == "/sys")!;
        Assert.Equal("/sys", (string?)sys["source"]);
        Assert.Contains("rbind", sys["options"]!.AsArray().Select(o => (string?)o));
        var pts = c["mounts"]!.AsArray().Single(m => (string?)m!["destination"] == "/dev/pts")!;
        Assert.DoesNotContain("gid=5", pts["options"]!.AsArray().Select(o => (string?)o));
        Assert.Null(c["linux"]!["resources"]?["devices"]);
    }

    [Fact]
    public void Lifecycle_CreateStartExecKillDelete_InTheUsersStateDir()
    {
        string id = TestEnv.NewId("rl-life");
        var config = Config(id, out string dir, "sleep", "100");
        RootlessUser.Save(dir, config);
        _u.Exec(["create", "--bundle", dir, id], detachedStdio: true).ShouldSucceed();
        try
        {
            string stateDir = Path.Combine(_u.XdgRuntimeDir, StateDirName, id);
            Assert.True(Directory.Exists(stateDir), $"no state in {stateDir}: the default root of a rootless runtime is $XDG_RUNTIME_DIR/{StateDirName}");
            Assert.Equal("created", Status(id));
            _u.Exec(["start", id]).ShouldSucceed();
            Assert.Equal("running", Status(id));

            var e = _u.Exec(["exec", id, "sh", "-c", "id -u; cat /proc/self/uid_map; echo x > /dev/null && echo devnull-ok"]).ShouldSucceed();
            string[] lines = e.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal("0", lines[0]);
            Assert.Equal(new[] { "0", $"{_u.Uid}", "1" }, lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
            Assert.Equal("devnull-ok", lines[2]);

            _u.Exec(["kill", id, "KILL"]).ShouldSucceed();
            WaitFor(id, "stopped");
            _u.Exec(["delete", id]).ShouldSucceed();
            Assert.False(Directory.Exists(stateDir), "delete left the state dir");
            Assert.NotEqual(0, _u.Exec(["state", id]).ExitCode);
        }
        finally { _u.Exec(["delete", "--force", id]); }
    }

    [Fact]
    public void Run_ExitStatus_AndNoCgroupIsNoError()
    {
        string id = TestEnv.NewId("rl-run");
        var config = Config(id, out string dir, "sh", "-c", "echo hello; exit 7");
        var r = Run(id, dir, config);
        Assert.True(r.ExitCode == 7, r.Describe());
        Assert.Equal("hello\n", r.Stdout);
        Assert.False(Directory.Exists(Path.Combine(_u.XdgRuntimeDir, StateDirName, id)), "run left its state dir");
    }

    [Fact]
    public void NoCgroup_IsAWarningInTheLog()
    {
        if (TestEnv.IsRunc) return;   // runc ignores a cgroup it cannot create without a word
        string id = TestEnv.NewId("rl-log");
        var config = Config(id, out string dir, "true");
        string log = Path.Combine(dir, "log.json");
        Run(id, dir, config, "--log", log, "--log-format", "json").ShouldSucceed();
        string text = File.ReadAllText(log);
        Assert.Contains("\"level\":\"warning\"", text);
        Assert.Contains("without a cgroup", text);
    }

    [Fact]
    public void SubordinateRanges_AreMappedThroughNewuidmap()
    {
        string id = TestEnv.NewId("rl-subid");
        var config = Config(id, out string dir, "sh", "-c", "cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups; id -u; id -G");
        foreach (string key in new[] { "uidMappings", "gidMappings" })
        {
            uint own = key == "uidMappings" ? _u.Uid : _u.Gid;
            config["linux"]![key] = new JsonArray(
                new JsonObject { ["containerID"] = 0, ["hostID"] = own, ["size"] = 1 },
                new JsonObject { ["containerID"] = 1, ["hostID"] = _u.SubStart, ["size"] = RootlessUser.SubCount - 1 });
        }
        // runc 1.1.5 refuses any additionalGids with a rootless euid ("cannot set any additional
        // groups in a rootless container"), even where newgidmap left setgroups allowed.
        config["process"]!["user"] = TestEnv.IsRunc
            ? new JsonObject { ["uid"] = 1000, ["gid"] = 1000 }
            : new JsonObject { ["uid"] = 1000, ["gid"] = 1000, ["additionalGids"] = new JsonArray(1001) };
        var r = Run(id, dir, config).ShouldSucceed();
        string[] lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries))).ToArray();
        Assert.Contains($"1 {_u.SubStart} {RootlessUser.SubCount - 1}", lines[1]);
        Assert.Contains($"1 {_u.SubStart} {RootlessUser.SubCount - 1}", lines[3]);
        Assert.Equal("allow", lines[4]);       // newgidmap with a subordinate range keeps setgroups usable
        Assert.Equal("1000", lines[5]);
        Assert.Equal(TestEnv.IsRunc ? "1000" : "1000 1001", lines[6]);
    }

    [Fact]
    public void SingleIdMap_DeniesSetgroups()
    {
        string id = TestEnv.NewId("rl-setgroups");
        var config = Config(id, out string dir, "cat", "/proc/self/setgroups");
        Assert.Equal("deny\n", Run(id, dir, config).ShouldSucceed().Stdout);
    }

    [Fact]
    public void BindMount_OfTheUsersDirectory_IsWritableInTheUserNamespace()
    {
        string id = TestEnv.NewId("rl-bind");
        string data = Path.Combine(_u.WorkDir, id + "-data");
        _u.AsUser(["/bin/mkdir", data]).ShouldSucceed();
        // /tmp exists in the shared rootfs: a user cannot make a new mount point in a root-owned image.
        var config = Config(id, out string dir, "sh", "-c", "echo written > /tmp/file && ls -n /tmp/file");
        config["mounts"]!.AsArray().Add(new JsonObject
        {
            ["destination"] = "/tmp", ["type"] = "bind", ["source"] = data,
            ["options"] = new JsonArray("rbind", "rw"),
        });
        var r = Run(id, dir, config).ShouldSucceed();
        // Inside, the user's files belong to root (uid 0 maps to the user); outside, to the user.
        Assert.Matches(@"^-\S+\s+\d+\s+0\s+0\s", r.Stdout);
        string file = Path.Combine(data, "file");
        Assert.Equal("written\n", File.ReadAllText(file));
        Assert.Equal(_u.Uid.ToString(), ProcessRunner.Run("stat", ["-c", "%u", file]).ShouldSucceed().Stdout.Trim());
    }

    [Fact]
    public void Limits_WithoutADelegatedCgroup_AreRefusedClearly()
    {
        string id = TestEnv.NewId("rl-limit");
        var config = Config(id, out string dir, "true");
        config["linux"]!["resources"] = new JsonObject { ["pids"] = new JsonObject { ["limit"] = 50 } };
        var r = Run(id, dir, config);
        Assert.True(r.ExitCode != 0, $"a pids limit without a cgroup must fail: {r.Describe()}");
        if (!TestEnv.IsRunc)
        {
            Assert.Contains("linux.resources.pids", r.Stderr);
            Assert.Contains("delegate", r.Stderr);
            Assert.Single(r.Stderr.Trim().Split('\n'));
        }
    }

    [Fact]
    public void ExplicitCgroupsPath_ThatCannotBeCreated_IsAnError()
    {
        string id = TestEnv.NewId("rl-cgpath");
        var config = Config(id, out string dir, "true");
        config["linux"]!["cgroupsPath"] = $"/{TestEnv.CgroupParent}-rootless/{id}";
        var r = Run(id, dir, config);
        Assert.True(r.ExitCode != 0, $"a cgroupsPath the user cannot create must fail (runc's rule): {r.Describe()}");
        if (!TestEnv.IsRunc)
        {
            Assert.Contains("linux.cgroupsPath", r.Stderr);
            Assert.Contains("leave linux.cgroupsPath empty", r.Stderr);
        }
    }

    [Fact]
    public void SystemdCgroup_WithoutAUserManager_IsRefusedClearly()
    {
        string id = TestEnv.NewId("rl-systemd");
        var config = Config(id, out string dir, "true");
        config["linux"]!["cgroupsPath"] = "user.slice:oci:" + id;
        var r = Run(id, dir, config, "--systemd-cgroup");
        Assert.True(r.ExitCode != 0, $"--systemd-cgroup with no user manager must fail: {r.Describe()}");
        if (!TestEnv.IsRunc) Assert.Contains("the user's systemd manager is needed", r.Stderr);
    }

    [Fact]
    public void Sysfs_ThatCannotBeMounted_FallsBackToABindOfTheHosts()
    {
        string id = TestEnv.NewId("rl-sysfs");
        var config = Config(id, out string dir, "sh", "-c", "test -d /sys/kernel && echo sys-ok; grep ' /sys ' /proc/self/mountinfo | grep -q ' ro,' && echo ro");
        var sys = config["mounts"]!.AsArray().Single(m => (string?)m!["destination"] == "/sys")!.AsObject();
        sys["type"] = "sysfs";
        sys["source"] = "sysfs";
        sys["options"] = new JsonArray("nosuid", "noexec", "nodev", "ro");
        var r = Run(id, dir, config);
        if (TestEnv.IsRunc)
        {
            // runc 1.1.5 fails here (EPERM: the user namespace does not own the network namespace); crun binds.
            Assert.NotEqual(0, r.ExitCode);
            return;
        }
        r.ShouldSucceed();
        Assert.Equal("sys-ok\nro\n", r.Stdout);
    }

    string Status(string id)
    {
        var s = _u.Exec(["state", id]).ShouldSucceed();
        return (string?)JsonNode.Parse(s.Stdout)!["status"] ?? "";
    }

    void WaitFor(string id, string status)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (Status(id) != status)
        {
            if (DateTime.UtcNow > deadline) throw new Xunit.Sdk.XunitException($"{id} never became {status}");
            Thread.Sleep(50);
        }
    }
}
