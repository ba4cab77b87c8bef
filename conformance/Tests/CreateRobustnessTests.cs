using System.Diagnostics;
using System.Text.Json.Nodes;

namespace OciRuntime.Conformance.Tests;

/// <summary>
/// create never hangs and never leaves what `delete --force` cannot remove: hooks that cannot
/// start, a runtime killed mid-create, --preserve-fds beyond the caller's fds, a frozen target
/// cgroup, a container without /proc, and a failed exec (no zombie left in the pid namespace).
/// </summary>
public class CreateRobustnessTests
{
    static readonly TimeSpan Quick = TimeSpan.FromSeconds(8);

    static void AssertNothingLeft(Container c)
    {
        Assert.False(Directory.Exists(Path.Combine(c.RootDir, c.Id)), "the state dir is left");
        Assert.False(File.Exists(Path.Combine(c.RootDir, c.Id + ".lock")), "the lock file is left");
        Assert.Empty(Cgroups.Procs(c.Id));
        Assert.DoesNotContain(Cgroups.Dirs(c.Id), d => d.Contains("/unified/"));
    }

    [Fact]
    public void CreateContainerHook_ThatCannotStart_FailsCreateAtOnce_AndLeavesNothing()
    {
        using var c = new Container("hook-missing").Configure(b =>
        {
            b.Args("sleep", "30");
            b.Config["hooks"] = new JsonObject { ["createContainer"] = new JsonArray(new JsonObject { ["path"] = "/no/such/hook" }) };
        });
        for (int i = 0; i < 5; i++) // the race between the forked hook's error and its pid report
        {
            var r = c.Create(new RunOptions { Timeout = Quick }).ShouldFail();
            Assert.Equal(1, r.ExitCode);
            if (!TestEnv.IsRunc) Assert.Contains("hooks.createContainer[0]", r.Stderr);
            Assert.Contains("/no/such/hook", r.Stderr);
            AssertNothingLeft(c);
        }
    }

    [Fact]
    public void RuntimeKilledDuringCreate_DeleteForce_RemovesEverything_AndTheInitDoesNotOutliveIt()
    {
        using var c = new Container("killed-create");
        string marker = Path.Combine(c.Dir, "hook-ran");
        c.Configure(b =>
        {
            b.Args("sleep", "30");
            b.Config["hooks"] = new JsonObject
            {
                ["prestart"] = new JsonArray(new JsonObject
                {
                    ["path"] = "/bin/sh",
                    ["args"] = new JsonArray("sh", "-c", $"touch {marker}; exec sleep 2"),
                }),
            };
        });
        var psi = new ProcessStartInfo(TestEnv.Runtime) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string a in new[] { "--root", c.RootDir, "create", "--bundle", c.Bundle.Dir, c.Id }) psi.ArgumentList.Add(a);
        using var create = Process.Start(psi)!;
        var deadline = DateTime.UtcNow + Quick;
        while (!File.Exists(marker) && DateTime.UtcNow < deadline) Thread.Sleep(10);
        Assert.True(File.Exists(marker), "the prestart hook never ran");
        create.Kill(); // SIGKILL while the init waits for the hooks
        create.WaitForExit();

        // The init learns of its creator's death (EOF on the sync socket) and exits by itself.
        deadline = DateTime.UtcNow + Quick;
        while (Cgroups.Procs(c.Id).Count > 0 && DateTime.UtcNow < deadline) Thread.Sleep(20);
        if (!TestEnv.IsRunc) Assert.Empty(Cgroups.Procs(c.Id));

        c.Delete(force: true).ShouldSucceed();
        if (TestEnv.IsRunc) return; // runc 1.1.5 leaves the cgroup here (recorded, not asserted)
        AssertNothingLeft(c);
    }

    [Fact]
    public void PreserveFds_BeyondTheCallersFds_IsRefused()
    {
        using var c = new Container("preserve-beyond").Configure(b => b.Args("true"));
        var r = c.Create(null, "--preserve-fds", "3");
        if (TestEnv.IsRunc) return; // runc 1.1.5 accepts it and passes on whatever fds 3-5 are
        r.ShouldFail();
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("--preserve-fds 3", r.Stderr);
        AssertNothingLeft(c);
    }

    [Fact]
    public void PreserveFds_WithinTheCallersFds_Works()
    {
        using var c = new Container("preserve-ok").Configure(b => b.Sh("readlink /proc/self/fd/3"));
        string file = Path.Combine(c.Dir, "fd3-file");
        File.WriteAllText(file, "x");
        c.Create(new RunOptions { Fd3Path = file }, "--preserve-fds", "1").ShouldSucceed();
        c.Start().ShouldSucceed();
        c.WaitForStatus("stopped");
    }

    [Fact]
    public void FrozenTargetCgroup_IsRefused_NotAHang()
    {
        if (TestEnv.IsRunc) return; // runc 1.1.5 uses the v1 freezer on this hybrid host
        string parent = $"/sys/fs/cgroup/unified/{TestEnv.CgroupParent}/frozen-{Environment.ProcessId}";
        Directory.CreateDirectory(parent);
        try
        {
            File.WriteAllText(Path.Combine(parent, "cgroup.freeze"), "1");
            using var c = new Container("frozen").Configure(b =>
            {
                b.Args("true");
                b.Linux["cgroupsPath"] = $"/{TestEnv.CgroupParent}/frozen-{Environment.ProcessId}/c";
            });
            var r = c.Create(new RunOptions { Timeout = Quick }).ShouldFail();
            Assert.Equal(1, r.ExitCode);
            Assert.Contains("frozen", r.Stderr);
        }
        finally
        {
            foreach (var d in Directory.GetDirectories(parent)) Directory.Delete(d);
            Directory.Delete(parent);
        }
    }

    [Fact]
    public void ContainerWithoutProc_FailsCreate_NotStart()
    {
        using var c = new Container("no-proc").Configure(b =>
        {
            b.Args("true");
            var mounts = (JsonArray)b.Config["mounts"]!;
            foreach (var m in mounts.Where(m => (string?)m?["destination"] == "/proc").ToList()) mounts.Remove(m);
        });
        var r = c.Create(new RunOptions { Timeout = Quick });
        if (TestEnv.IsRunc) return; // runc 1.1.5 creates it and fails only at start
        r.ShouldFail();
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("/proc", r.Stderr);
        AssertNothingLeft(c);
    }

    [Fact]
    public void FailedExec_LeavesNoZombie_AndDeleteForceIsQuick()
    {
        using var c = new Container("exec-zombie").Configure(b => b.Args("sleep", "30"));
        c.Create().ShouldSucceed();
        c.Start().ShouldSucceed();
        for (int i = 0; i < 3; i++)
        {
            Assert.NotEqual(0, c.Cli.Exec("exec", c.Id, "/no/such/binary").ExitCode);
            Assert.NotEqual(0, c.Cli.Exec("exec", "-d", c.Id, "/no/such/binary").ExitCode);
        }
        // A zombie is no longer in cgroup.procs: look for zombie children of the container's init
        // (where an orphan in its pid namespace ends up).
        int init = c.Pid();
        var zombies = Directory.EnumerateDirectories("/proc").Select(Path.GetFileName).Where(n => n!.All(char.IsAsciiDigit)).Where(p =>
        {
            try
            {
                string[] f = File.ReadAllText($"/proc/{p}/stat").Split(") ")[1].Split(' ');
                return f[0] == "Z" && f[1] == init.ToString();
            }
            catch (IOException) { return false; }
        }).ToList();
        Assert.True(zombies.Count == 0, "zombies left by failed execs: " + string.Join(", ", zombies));
        // Under a subreaper (as containerd's shim runs it), a forked exec process the runtime did not
        // reap itself would be left to the shim as a zombie it knows nothing about.
        foreach (string detach in new[] { "", "-d" })
        {
            var args = c.Cli.GlobalArgs().Concat(new[] { "exec" }).Concat(detach.Length > 0 ? [detach] : []).Concat([c.Id, "/no/such/binary"]);
            var r = ProcessRunner.Run(NativeTools.SubreaperRun, new[] { c.Cli.Runtime }.Concat(args));
            Assert.NotEqual(0, r.ExitCode);
            Assert.Contains("zombies=0", r.Stdout);
        }
        var sw = Stopwatch.StartNew();
        c.Delete(force: true).ShouldSucceed();
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5), $"delete --force took {sw.Elapsed}");
    }
}
