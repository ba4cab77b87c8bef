using System.Diagnostics;
using System.Runtime.InteropServices;
using Xunit.Abstractions;

namespace OciRuntime.Conformance.Faults;

/// <summary>
/// Kills the runtime at random moments of create, start, exec, delete and run (SIGKILL, or
/// SIGSTOP then SIGKILL, as an OOM killer or an impatient shim would), then runs
/// `delete --force` and counts what is left: processes of the container, its cgroup, its state
/// dir or lock file, mounts on the host that name it. The target is 0 residue.
/// OCI_FAULT_TRIALS sets the trials per command (30 in `make test`, 200 in `make faults`);
/// OCI_FAULT_SEED replays a run (the seed is printed).
/// </summary>
public class FaultInjectionTests(ITestOutputHelper log)
{
    static int Trials => int.TryParse(Environment.GetEnvironmentVariable("OCI_FAULT_TRIALS"), out int n) && n > 0 ? n : 30;

    static int Seed => int.TryParse(Environment.GetEnvironmentVariable("OCI_FAULT_SEED"), out int s) ? s : Environment.TickCount;

    [DllImport("libc", SetLastError = true)]
    static extern int kill(int pid, int sig);
    const int SIGKILL = 9, SIGSTOP = 19;

    [Theory]
    [InlineData("create")]
    [InlineData("start")]
    [InlineData("exec")]
    [InlineData("delete")]
    [InlineData("run")]
    public void KilledAtRandomMoments_DeleteForceLeavesNothing(string command)
    {
        int seed = Seed;
        var rng = new Random(seed);
        log.WriteLine($"{command}: {Trials} trials, OCI_FAULT_SEED={seed}");
        var residue = new List<string>();
        for (int trial = 0; trial < Trials; trial++)
        {
            using var c = new Container($"fault-{command}");
            c.Configure(b => b.Args("sleep", "30"));
            Prepare(c, command);
            var (args, cost) = Command(c, command);
            int delayUs = rng.Next(0, cost);
            bool stopFirst = rng.Next(2) == 0;

            var psi = new ProcessStartInfo(TestEnv.Runtime) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
            foreach (string a in c.Cli.GlobalArgs().Concat(args)) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            SpinWait(delayUs);
            if (stopFirst) { kill(p.Id, SIGSTOP); Thread.Sleep(1); }
            kill(p.Id, SIGKILL);
            p.WaitForExit();

            var del = c.Cli.Exec(["delete", "--force", c.Id], new RunOptions { Timeout = TimeSpan.FromSeconds(15) });
            string what = $"trial {trial} ({(stopFirst ? "SIGSTOP+SIGKILL" : "SIGKILL")} after {delayUs} us)";
            if (del.ExitCode != 0) residue.Add($"{what}: delete --force failed: {del.Stderr.Trim()}");
            foreach (string left in Leftovers(c)) residue.Add($"{what}: {left}");
        }
        foreach (string r in residue) log.WriteLine(r);
        log.WriteLine($"{command}: {residue.Count} residue in {Trials} trials");
        Assert.True(residue.Count == 0, $"{command}: {residue.Count} residue in {Trials} trials (OCI_FAULT_SEED={seed}):\n" + string.Join("\n", residue.Take(20)));
    }

    /// <summary>The container in the state the command starts from.</summary>
    static void Prepare(Container c, string command)
    {
        switch (command)
        {
            case "start":
                c.Create().ShouldSucceed();
                break;
            case "exec":
            case "delete":
                c.Create().ShouldSucceed();
                c.Start().ShouldSucceed();
                break;
        }
    }

    /// <summary>The command, and roughly how long it runs here (us): the kill lands anywhere in it.</summary>
    static (string[] Args, int CostUs) Command(Container c, string command) => command switch
    {
        "create" => (["create", "--bundle", c.Bundle.Dir, c.Id], 40_000),
        "start" => (["start", c.Id], 20_000),
        "exec" => (["exec", c.Id, "sleep", "30"], 30_000),
        "delete" => (["delete", "--force", c.Id], 30_000),
        "run" => (["run", "--bundle", c.Bundle.Dir, c.Id], 50_000),
        _ => throw new ArgumentException(command),
    };

    static void SpinWait(int us)
    {
        var sw = Stopwatch.StartNew();
        if (us > 2000) Thread.Sleep(us / 1000 - 1);
        while (sw.Elapsed.TotalMicroseconds < us) Thread.SpinWait(20);
    }

    static IEnumerable<string> Leftovers(Container c)
    {
        // The container's processes go away with SIGKILL; give the kernel a moment to finish.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(2);
        HashSet<int> procs;
        while ((procs = Processes.Marked(c.Id)).Count > 0 && DateTime.UtcNow < deadline) Thread.Sleep(20);
        foreach (int pid in procs)
            yield return $"process {pid} ({Cmdline(pid)})";
        foreach (string dir in Cgroups.Dirs(c.Id))
            yield return $"cgroup {dir}";
        if (Directory.Exists(Path.Combine(c.RootDir, c.Id))) yield return "state dir " + Path.Combine(c.RootDir, c.Id);
        if (File.Exists(Path.Combine(c.RootDir, c.Id + ".lock"))) yield return "lock file";
        foreach (string line in File.ReadAllLines("/proc/self/mountinfo"))
            if (line.Contains(c.Dir, StringComparison.Ordinal)) yield return "mount: " + line;
    }

    static string Cmdline(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim(); }
        catch (IOException) { return "?"; }
    }
}
