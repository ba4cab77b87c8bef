using System.Diagnostics;
using Xunit.Abstractions;

namespace OciRuntime.Cri.Tests;

/// <summary>
/// The CRI suite with containerd's `SystemdCgroup = true`, as on a kubeadm node:
/// conformance/Cri/systemd-guest.sh boots the qemu guest with systemd 252 as PID 1 and pure cgroup
/// v2 and runs this assembly's <see cref="Guest.SystemdGuestSuite"/> there, for runc (the oracle)
/// and oci-runtime. One VM boot, one test here, every guest check a PASS/FAIL line (in this test's
/// output); the values containerd returned go to build/cri-guest-report.txt.
/// </summary>
public sealed class SystemdGuestTests(ITestOutputHelper output)
{
    [Fact]
    [Trait("Category", "Vm")]
    public async Task CriSuite_InTheSystemdGuest_WithSystemdCgroup_BothHandlersPass()
    {
        Assert.True(Libc.geteuid() == 0, "the CRI guest suite must run as root");
        string script = Path.Combine(CriEnv.RepoRoot, "conformance", "Cri", "systemd-guest.sh");
        var psi = new ProcessStartInfo(script) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = CriEnv.RepoRoot };
        // The guest runs this very build, with the handlers' binaries this run uses.
        psi.Environment["OCI_CRI_DLL"] = typeof(SystemdGuestTests).Assembly.Location;
        psi.Environment["OCI_RUNTIME"] = CriEnv.Binary("oci-runtime");
        var sw = Stopwatch.StartNew();
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        var outText = p.StandardOutput.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(720));
        try { await p.WaitForExitAsync(limit.Token); }
        catch (OperationCanceledException)
        {
            p.Kill(true);
            Record(await outText, sw.Elapsed, "fail: timed out after 720 s");
            Assert.Fail($"systemd-guest.sh did not finish in 720 s: {await outText}\n{await err}");
        }
        string stdout = await outText;
        string stderr = await err;
        output.WriteLine(stdout);
        string[] lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string[] failed = lines.Where(l => l.StartsWith("FAIL ", StringComparison.Ordinal)).ToArray();
        string summary = lines.LastOrDefault(l => l.EndsWith(" failed", StringComparison.Ordinal)) ?? "(no summary line)";
        output.WriteLine($"systemd-guest.sh: {summary} in {sw.Elapsed.TotalSeconds:F0} s");
        bool complete = p.ExitCode == 0 && failed.Length == 0 && summary.EndsWith(" 0 failed", StringComparison.Ordinal);
        int passed = lines.Count(l => l.StartsWith("PASS ", StringComparison.Ordinal));
        Record(stdout, sw.Elapsed, !complete ? $"fail: exit status {p.ExitCode}, {summary}" : passed < 60 ? $"fail: only {passed} checks passed" : "pass");
        Assert.True(complete, $"CRI suite in the systemd guest: {summary}, exit status {p.ExitCode}\n{string.Join('\n', failed)}\n\nstderr: {stderr}");
        // Both handlers' whole pods ran: a suite that stopped early cannot look green.
        Assert.True(passed >= 60, "fewer checks ran than the suite has:\n" + stdout);
    }

    /// <summary>
    /// build/test-results/vm/cri-systemd-guest.checks (<see cref="Conformance.VmChecksFile"/>): make
    /// test counts the guest's checks instead of this one test. runc's checks (the oracle, its lines
    /// start with "runc: ") stay out of the totals; ours and the shared ones count.
    /// </summary>
    static void Record(string stdout, TimeSpan elapsed, string verdict) =>
        Conformance.VmChecksFile.Write("cri-systemd-guest", "oci-runtime", elapsed, 30, stdout, verdict,
            counts: line => !line.AsSpan(5).StartsWith("runc: ", StringComparison.Ordinal));
}
