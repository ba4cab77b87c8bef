namespace OciRuntime.Conformance.Tests;

/// <summary>
/// `exec --cgroup`, as runc 1.1.5: the process starts in an existing sub-cgroup of the container's
/// cgroup(s), read from inside with /proc/self/cgroup (no cgroup namespace, so paths are the host's).
/// runc on this hybrid host has a cgroup in every v1 hierarchy and in the unified one; oci-runtime
/// only in the unified one. Either way each hierarchy where the init is in the container's cgroup
/// must show the exec'd process in the sub-cgroup, and the others unchanged.
/// </summary>
public class ExecCgroupTests
{
    static Container Running(string tag)
    {
        var c = new Container(tag).Configure(b => { b.Args("sleep", "1000"); b.RemoveNamespace("cgroup"); });
        c.Create().ShouldSucceed();
        c.Start().ShouldSucceed();
        return c;
    }

    /// <summary>mkdir NAME under each of the container's cgroup dirs (a v1 cpuset child needs cpus and mems to take processes).</summary>
    static void MakeSubCgroups(string id, string relative)
    {
        foreach (string dir in Cgroups.Dirs(id))
        {
            string sub = Path.GetFullPath(Path.Combine(dir, relative));
            Directory.CreateDirectory(sub);
            foreach (string file in new[] { "cpuset.cpus", "cpuset.mems" })
                if (File.Exists(Path.Combine(sub, file)) && File.ReadAllText(Path.Combine(sub, file)).Trim().Length == 0)
                    File.WriteAllText(Path.Combine(sub, file), File.ReadAllText(Path.Combine(dir, file)).Trim());
        }
    }

    /// <summary>"hierarchy-id:controllers" → path, from a /proc/PID/cgroup text.</summary>
    static Dictionary<string, string> Parse(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(':', 3))
            .ToDictionary(f => f[0] + ":" + f[1], f => f[2]);

    static void AssertMovedTo(Container c, string execOutput, string expected)
    {
        var init = Parse(File.ReadAllText($"/proc/{c.Pid()}/cgroup"));
        var exec = Parse(execOutput);
        string own = Cgroups.PathFor(c.Id);
        Assert.Contains(init, kv => kv.Value == own);
        foreach (var (hierarchy, path) in init)
            Assert.True(exec.TryGetValue(hierarchy, out var got) && got == (path == own ? expected : path),
                $"hierarchy {hierarchy}: init in {path}, exec'd process in {got ?? "(none)"}, expected {(path == own ? expected : path)}\n{execOutput}");
    }

    static void AssertFails255WithOneLine(CliResult r, string phrase)
    {
        Assert.Equal(255, r.ExitCode);
        var lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, "expected one line on stderr:\n" + r.Stderr);
        Assert.Contains(phrase, lines[0]);
    }

    [Fact]
    public void Exec_Cgroup_PutsTheProcessInTheSubCgroup()
    {
        using var c = Running("exec-cg-sub");
        MakeSubCgroups(c.Id, "sub");
        var r = c.Cli.Exec("exec", "--cgroup", "sub", c.Id, "cat", "/proc/self/cgroup").ShouldSucceed();
        AssertMovedTo(c, r.Stdout, Cgroups.PathFor(c.Id) + "/sub");
        // A nested one, written with a leading slash and a detour: still relative to the container's cgroup.
        MakeSubCgroups(c.Id, "sub/deeper");
        r = c.Cli.Exec("exec", "--cgroup=/sub/x/../deeper", c.Id, "cat", "/proc/self/cgroup").ShouldSucceed();
        AssertMovedTo(c, r.Stdout, Cgroups.PathFor(c.Id) + "/sub/deeper");
        // Without --cgroup: the container's own cgroup.
        r = c.Cli.Exec("exec", c.Id, "cat", "/proc/self/cgroup").ShouldSucceed();
        AssertMovedTo(c, r.Stdout, Cgroups.PathFor(c.Id));

        // delete removes the sub-cgroups with the container's cgroup (runc's RemovePath).
        c.Delete(force: true).ShouldSucceed();
        Assert.Empty(Cgroups.Dirs(c.Id));
    }

    [Fact]
    public void Exec_CgroupThatDoesNotExist_Fails255WithOneLine()
    {
        using var c = Running("exec-cg-missing");
        var r = c.Cli.Exec("exec", "--cgroup", "nope", c.Id, "echo", "ran");
        AssertFails255WithOneLine(r, TestEnv.IsRunc ? "no such file or directory" : "does not exist");
        Assert.DoesNotContain("ran", r.Stdout);
    }

    [Fact]
    public void Exec_CgroupLeadingOutOfTheContainer_Fails255()
    {
        using var c = Running("exec-cg-escape");
        var r = c.Cli.Exec("exec", "--cgroup", "..", c.Id, "cat", "/proc/self/cgroup");
        AssertFails255WithOneLine(r, TestEnv.IsRunc ? "is not a sub cgroup path" : "is not a sub-cgroup of the container's cgroup");
        Assert.DoesNotContain(Cgroups.PathFor(c.Id)[..Cgroups.PathFor(c.Id).LastIndexOf('/')], r.Stdout);

        // A sibling whose name starts with the container's: runc 1.1.5 compares string prefixes
        // and lets the process out into it; oci-runtime compares path components.
        string sibling = c.Id + "x";
        try
        {
            MakeSubCgroups(c.Id, "../" + sibling);
            r = c.Cli.Exec("exec", "--cgroup", "../" + sibling, c.Id, "cat", "/proc/self/cgroup");
            if (TestEnv.IsRunc)
                Assert.Contains(Cgroups.PathFor(sibling), r.ShouldSucceed().Stdout);   // runc is weaker here
            else
                AssertFails255WithOneLine(r, "is not a sub-cgroup of the container's cgroup");
        }
        finally { Cgroups.Remove(sibling); }
    }

    [Fact]
    public void Exec_CgroupArgumentErrors_AreRuncs()
    {
        using var c = Running("exec-cg-args");
        AssertFails255WithOneLine(c.Cli.Exec("exec", "--cgroup", "a:b:c", c.Id, "true"), "invalid --cgroup argument: a:b:c");
        AssertFails255WithOneLine(c.Cli.Exec("exec", "--cgroup", "sub", "--cgroup", "other", c.Id, "true"),
            "invalid --cgroup argument: sub (missing <controller>: prefix)");
        AssertFails255WithOneLine(c.Cli.Exec("exec", "--cgroup", "no-such-controller:sub", c.Id, "true"), "unknown controller no-such-controller");
    }

    [Fact]
    public void Exec_CgroupWithAV1Controller_IsRefusedWithTheReason_WhereRuncHasV1Cgroups()
    {
        // On a hybrid host runc keeps a cgroup per v1 controller, so "memory:sub" names one.
        // oci-runtime keeps containers in cgroup v2 only: it says so instead of guessing.
        if (!File.Exists("/sys/fs/cgroup/memory/cgroup.procs")) return;   // pure cgroup v2 host: no v1 hierarchy to name
        using var c = Running("exec-cg-v1");
        MakeSubCgroups(c.Id, "sub");
        var r = c.Cli.Exec("exec", "--cgroup", "memory:sub", c.Id, "cat", "/proc/self/cgroup");
        if (TestEnv.IsRunc)
            Assert.Contains(":memory:" + Cgroups.PathFor(c.Id) + "/sub", r.ShouldSucceed().Stdout);
        else
            AssertFails255WithOneLine(r, "memory is a cgroup v1 hierarchy on this host");
    }
}
