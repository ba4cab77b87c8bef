namespace OciRuntime.Conformance.Tests;

/// <summary>root.readonly, extra mounts, and the default masked/readonly paths, read from /proc/self/mountinfo.</summary>
public class MountTests
{
    // mountinfo: id parent major:minor root mountpoint options - fstype source superoptions
    static (string Options, string FsType)? MountAt(string mountinfo, string mountpoint)
    {
        (string, string)? last = null;
        foreach (var line in mountinfo.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var f = line.Split(' ');
            int dash = Array.IndexOf(f, "-");
            if (f.Length > 5 && dash > 0 && f[4] == mountpoint) last = (f[5], f[dash + 1]);
        }
        return last;
    }

    [Fact]
    public void ReadonlyRoot_IsReadonly_AndTmpfsMountIsWritable()
    {
        using var c = new Container("mounts").Configure(b =>
        {
            b.AddMount("/tmp", "tmpfs", "tmpfs", "nosuid", "nodev", "size=1m");
            b.Sh("cat /proc/self/mountinfo; echo ---; touch /rootfile 2>/dev/null && echo root-writable || echo root-readonly; " +
                 "echo hi > /tmp/f && cat /tmp/f");
        });
        var r = c.Run().ShouldSucceed();
        var parts = r.Stdout.Split("---\n");
        var root = MountAt(parts[0], "/");
        Assert.NotNull(root);
        Assert.Contains("ro", root!.Value.Options.Split(','));
        var tmp = MountAt(parts[0], "/tmp");
        Assert.NotNull(tmp);
        Assert.Equal("tmpfs", tmp!.Value.FsType);
        Assert.Contains("nosuid", tmp.Value.Options.Split(','));
        Assert.Contains("nodev", tmp.Value.Options.Split(','));
        Assert.Equal("root-readonly\nhi\n", parts[1]);
    }

    [Fact]
    public void BindMount_ReadOnly_ShowsHostFile()
    {
        using var c = new Container("bind");
        string src = Path.Combine(c.Dir, "shared");
        Directory.CreateDirectory(src);
        File.WriteAllText(Path.Combine(src, "hello.txt"), "from the host\n");
        c.Configure(b =>
        {
            b.AddMount("/tmp", "bind", src, "rbind", "ro");
            b.Sh("cat /tmp/hello.txt; touch /tmp/new 2>/dev/null && echo writable || echo readonly");
        });
        Assert.Equal("from the host\nreadonly\n", c.Run().ShouldSucceed().Stdout);
        Assert.False(File.Exists(Path.Combine(src, "new")));
    }

    [Fact]
    public void ProcAndDev_AreMounted()
    {
        using var c = new Container("procdev").Configure(b =>
            b.Sh("echo $$; ls /dev/null /dev/zero /dev/full /dev/random /dev/urandom /dev/tty; echo x > /dev/null && echo devnull-ok"));
        var r = c.Run().ShouldSucceed();
        var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("1", lines[0]); // init of a new pid namespace, and /proc is that namespace's
        Assert.Contains("devnull-ok", lines);
    }

    [Fact]
    public void MaskedAndReadonlyPaths_AreApplied()
    {
        using var c = new Container("masked").Configure(b =>
        {
            // A masked file reads empty (/dev/null over it), a masked dir is an empty read-only tmpfs.
            b.Linux["maskedPaths"] = new System.Text.Json.Nodes.JsonArray("/proc/timer_list", "/proc/irq");
            b.Linux["readonlyPaths"] = new System.Text.Json.Nodes.JsonArray("/proc/sys");
            b.Sh("wc -c < /proc/timer_list; ls /proc/irq | wc -l; echo 1 > /proc/sys/kernel/ns_last_pid 2>/dev/null && echo sys-writable || echo sys-readonly");
        });
        var r = c.Run().ShouldSucceed();
        Assert.Equal(["0", "0", "sys-readonly"], r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(s => s.Trim()).ToArray());
    }
}
