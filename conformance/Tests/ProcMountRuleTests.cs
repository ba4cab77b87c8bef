using System.Text.Json.Nodes;

namespace OciRuntime.Conformance.Tests;

/// <summary>
/// Issue 10 item 4, runc's /proc rules (CVE-2019-16884, CVE-2019-19921, CVE-2023-27561 classes):
/// proc and sysfs go only on an ordinary directory (a `/proc` that is a symlink in the image is
/// refused, not followed); on /proc itself only procfs; inside /proc only the lxcfs-style
/// overlays. Each refusal must be a clear error from `create`, leaving no container behind (never
/// a container that dies at start). runc 1.1.5 refuses the same configs (its wording differs).
/// </summary>
public class ProcMountRuleTests
{
    /// <summary>create must fail with one clear line naming <paramref name="fragment"/>, and leave nothing.</summary>
    static CliResult AssertRefused(Container c, string fragment, string? ourFragment = null)
    {
        var r = c.Create().ShouldFail();
        Assert.Contains(fragment, r.Stderr);
        if (!TestEnv.IsRunc && ourFragment is not null) Assert.Contains(ourFragment, r.Stderr);
        // No dead container: the failed create removed everything it made.
        Assert.NotEqual(0, c.State().ExitCode);
        return r;
    }

    static JsonObject Mount(string destination, string type, string source, params string[] options)
    {
        var m = new JsonObject { ["destination"] = destination, ["type"] = type, ["source"] = source };
        if (options.Length > 0) m["options"] = new JsonArray(options.Select(o => (JsonNode?)JsonValue.Create(o)).ToArray());
        return m;
    }

    // A naive runtime mounts procfs where the image's /proc symlink points (here /evil inside the
    // rootfs; a racing container could point it at a path the runtime later writes through).
    [Theory]
    [InlineData("proc", "/proc")]
    [InlineData("sysfs", "/sys")]
    public void PseudoFsOnASymlink_IsRefused(string type, string dest)
    {
        using var c = new Container("procsym-" + type);
        string root = HostileRootfs.UseCopy(c);
        Directory.CreateDirectory(Path.Combine(root, "evil"));
        // recursive: other tests' mount destinations may have been created in the shared rootfs
        Directory.Delete(root + dest, recursive: true);
        File.CreateSymbolicLink(root + dest, "/evil");
        c.Configure(b => b.Args("true"));
        AssertRefused(c, "ordinary directory", $"{type} must be mounted on an ordinary directory");
    }

    [Fact]
    public void ProcOnAFile_IsRefused()
    {
        using var c = new Container("procfile");
        string root = HostileRootfs.UseCopy(c);
        Directory.Delete(Path.Combine(root, "proc"), recursive: true);
        File.WriteAllText(Path.Combine(root, "proc"), "not a directory");
        c.Configure(b => b.Args("true"));
        AssertRefused(c, "ordinary directory");
    }

    /// <summary>A directory on the way that is a symlink is refused too (runc follows it on the host: a hole).</summary>
    [Fact]
    public void ProcBelowASymlinkedDirectory_IsRefused()
    {
        using var c = new Container("procsymdir");
        string root = HostileRootfs.UseCopy(c);
        Directory.CreateDirectory(Path.Combine(root, "real", "proc"));
        File.CreateSymbolicLink(Path.Combine(root, "link"), "real");
        c.Configure(b =>
        {
            b.Args("true");
            ((JsonArray)b.Config["mounts"]!).Add(Mount("/link/proc", "proc", "proc"));
        });
        if (TestEnv.IsRunc)
        {
            // runc 1.1.5 lstats only the last component of rootfs + destination, so a symlinked
            // parent is followed (from the host's root, for an absolute link): weaker than here.
            c.CreateStartWait();
            return;
        }
        AssertRefused(c, "ordinary directory");
    }

    [Theory]
    [InlineData("tmpfs", "/proc")]
    [InlineData("sysfs", "/proc")]
    [InlineData("tmpfs", "/proc/self")]
    [InlineData("tmpfs", "/proc/sys")]
    [InlineData("tmpfs", "/proc/1/attr")]
    [InlineData("bind", "/proc/sys/kernel/core_pattern")]
    [InlineData("bind", "/proc")]
    public void MountInsideProc_IsRefusedBeforeTheContainerExists(string type, string dest)
    {
        using var c = new Container("procmnt");
        string file = Path.Combine(c.Dir, "fake");
        File.WriteAllText(file, "fake\n");
        c.Configure(b =>
        {
            b.Args("true");
            ((JsonArray)b.Config["mounts"]!).Add(type == "bind" ? Mount(dest, "bind", file, "bind") : Mount(dest, type, type));
        });
        if (TestEnv.IsRunc && type != "bind")
        {
            // runc 1.1.5 applies checkProcMount to bind and "other" mounts only: not to sysfs
            // (which then breaks its own init: "open /proc/self/fd"), nor to tmpfs, which it
            // mounts inside /proc (weaker); on /proc and /proc/self its init fails later.
            var r = c.Create();
            if (dest is "/proc/sys" or "/proc/1/attr") r.ShouldSucceed(); else r.ShouldFail();
            return;
        }
        AssertRefused(c, "/proc", TestEnv.IsRunc ? null : "config.json: mounts[");
    }

    /// <summary>The image's /data is a symlink to /proc/sys: what counts is where the mount lands.</summary>
    [Fact]
    public void MountThroughASymlinkIntoProc_IsRefused()
    {
        using var c = new Container("procvia");
        string root = HostileRootfs.UseCopy(c);
        string data = Path.Combine(root, "data");
        if (Directory.Exists(data)) Directory.Delete(data, recursive: true); // another test's mount point
        File.CreateSymbolicLink(data, "/proc/sys");
        c.Configure(b =>
        {
            b.Args("true");
            ((JsonArray)b.Config["mounts"]!).Add(Mount("/data", "tmpfs", "tmpfs"));
        });
        if (TestEnv.IsRunc)
        {
            c.Create().ShouldSucceed();   // runc 1.1.5 does not check tmpfs mounts (weaker)
            return;
        }
        AssertRefused(c, "/proc", "leads to /proc/sys through a symlink");
    }

    [Fact]
    public void LxcfsStyleOverlays_AreAllowed()
    {
        using var c = new Container("procoverlay");
        string cpuinfo = Path.Combine(c.Dir, "cpuinfo"), uptime = Path.Combine(c.Dir, "uptime");
        File.WriteAllText(cpuinfo, "processor : fake-cpu\n");
        File.WriteAllText(uptime, "42.00 0.00\n");
        c.Configure(b =>
        {
            b.Sh("cat /proc/cpuinfo /proc/uptime");
            var mounts = (JsonArray)b.Config["mounts"]!;
            mounts.Add(Mount("/proc/cpuinfo", "bind", cpuinfo, "bind", "ro"));
            mounts.Add(Mount("/proc/uptime", "bind", uptime, "bind", "ro"));
        });
        var r = c.CreateStartWait();
        Assert.Equal("processor : fake-cpu\n42.00 0.00\n", r.Stdout);
    }

    [Fact]
    public void BindOfProcfsOnProc_IsAllowed()
    {
        using var c = new Container("procbind");
        c.Configure(b =>
        {
            b.Sh("test -r /proc/self/status && echo ok");
            ((JsonArray)b.Config["mounts"]!).Add(Mount("/proc", "bind", "/proc", "bind"));
        });
        Assert.Equal("ok\n", c.CreateStartWait().Stdout);
    }

    /// <summary>maskedPaths and readonlyPaths lie inside /proc by design and are not mounts[]: exempt.</summary>
    [Fact]
    public void MaskedAndReadonlyPathsInsideProc_StillWork()
    {
        using var c = new Container("procmask");
        c.Configure(b =>
        {
            b.Sh("wc -c < /proc/timer_list; echo x > /proc/sys/kernel/domainname 2>/dev/null || echo ro");
            b.Linux["maskedPaths"] = new JsonArray("/proc/timer_list");
            b.Linux["readonlyPaths"] = new JsonArray("/proc/sys");
        });
        Assert.Equal("0\nro\n", c.CreateStartWait().Stdout);
    }
}
