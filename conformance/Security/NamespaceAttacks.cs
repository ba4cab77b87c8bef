using Xunit.Abstractions;

namespace OciRuntime.Conformance.Security;

/// <summary>
/// `--no-pivot` (issue 10 item 5): the container moves its root over "/" and chroots instead of
/// pivot_root. If the host's procfs/sysfs mounts stay attached beneath, the kernel counts a full procfs as
/// visible in the container's mount namespace, so a nested user+pid+mount namespace may mount a fresh,
/// unmasked procfs (mount_too_revealing). Blocked by: detaching them before MS_MOVE + chroot
/// (OCI_WEAKEN_NO_PIVOT_DETACH).
/// </summary>
public class NamespaceAttacks(ITestOutputHelper log)
{
    static Outcome NestedProc(string runtime, bool noPivot)
    {
        using var c = SecuritySuite.AttackContainer("sec-nestproc", runtime);
        c.Configure(b => b.Args("/attacker", "nestproc"));
        var r = noPivot ? c.Run(null, "--no-pivot") : c.Run();
        return Outcome.FromAttacker(r.Stdout, $"run exited {r.ExitCode}: {r.Stderr.Trim()}");
    }

    [Fact]
    public void NoPivot_NestedUserNamespaceCannotMountAFreshProcfs() =>
        SecuritySuite.AssertBlockedButWeakEscapes(log, "--no-pivot: nested procfs", runtime => NestedProc(runtime, noPivot: true));

    // The control: with pivot_root the old root is gone, so the same attack is refused by the kernel.
    [Fact]
    public void Pivot_NestedUserNamespaceCannotMountAFreshProcfs()
    {
        var o = NestedProc(TestEnv.Runtime, noPivot: false);
        log.WriteLine(o.Detail);
        Assert.False(o.Escaped, o.Detail);
        Assert.Contains("BLOCKED nestproc", o.Detail);
    }
}
