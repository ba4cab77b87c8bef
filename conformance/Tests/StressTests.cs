using System.Diagnostics;
using System.Globalization;
using Xunit.Abstractions;

namespace OciRuntime.Conformance.Tests;

/// <summary>
/// Many create/start/wait/delete cycles with OCI_RUNTIME_STRESS_GC=1 (oci-runtime then allocates and forces
/// GCs on background threads during create, to prove its fork-safe spawn; runc ignores it). Every container
/// must finish with the right output; a hang fails after the per-call timeout. Count: OCI_STRESS_COUNT (30).
/// </summary>
public class StressTests(ITestOutputHelper output)
{
    [Fact]
    [Trait("Category", "Stress")]
    public void CreateStartWaitDelete_ManyContainers_NoHangs()
    {
        int n = int.TryParse(Environment.GetEnvironmentVariable("OCI_STRESS_COUNT"), out int v) && v > 0 ? v : 30;
        var env = new Dictionary<string, string> { ["OCI_RUNTIME_STRESS_GC"] = "1" };
        var opts = new RunOptions { Env = env, Timeout = TimeSpan.FromSeconds(20) };
        var times = new List<double>();
        var total = Stopwatch.StartNew();
        for (int i = 0; i < n; i++)
        {
            var sw = Stopwatch.StartNew();
            using (var c = new Container("stress").Configure(b => b.Sh($"echo stress-{i}; cat /proc/self/status | grep -c ^Cap")))
            {
                var created = c.Cli.Exec(["create", "--bundle", c.Bundle.Dir, c.Id], opts with { DetachedStdio = true });
                Assert.True(created.ExitCode == 0, $"container {i}/{n}: create failed\n{created.Describe()}");
                c.Cli.Exec(["start", c.Id], opts).ShouldSucceed();
                c.WaitForStatus("stopped", TimeSpan.FromSeconds(20));
                created.WaitForOutput(TimeSpan.FromSeconds(20));
                Assert.Equal($"stress-{i}\n5\n", created.Stdout);
                c.Cli.Exec(["delete", c.Id], opts).ShouldSucceed();
            }
            times.Add(sw.Elapsed.TotalMilliseconds);
        }
        total.Stop();
        times.Sort();
        string Ms(double d) => d.ToString("0.0", CultureInfo.InvariantCulture);
        string report = $"stress: {n} containers (create+start+wait+delete) with {TestEnv.RuntimeName} in {total.Elapsed.TotalSeconds:0.00} s; " +
                        $"per container median {Ms(times[times.Count / 2])} ms, p95 {Ms(times[(int)(times.Count * 0.95)])} ms, max {Ms(times[^1])} ms";
        output.WriteLine(report);
        Console.WriteLine(report);
        try
        {
            // Also kept as a file, since `dotnet test` does not print test output at normal verbosity.
            string dir = Path.Combine(TestEnv.RepoRoot, "build");
            Directory.CreateDirectory(dir);
            File.AppendAllText(Path.Combine(dir, "stress-report.txt"), $"{DateTime.UtcNow:O} {report}\n");
        }
        catch (IOException) { }
    }
}
