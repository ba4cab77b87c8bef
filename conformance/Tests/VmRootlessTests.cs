namespace OciRuntime.Conformance.Tests;

/// <summary>
/// Rootless with a delegated cgroup v2 subtree and a user systemd manager, which the hybrid host
/// cannot show: conformance/vm/rootless-suite.sh boots the systemd qemu guest (run-in-vm.sh
/// --systemd), creates a user with subuid/subgid ranges, starts its user@UID.service, and checks
/// as that user: no cgroup is only a warning when none was asked for; memory.max, pids.max and
/// cpu.max applied, read back and enforced in the subtree the user manager delegates (cgroupfs
/// driver); a limit whose controller was not delegated refused; --systemd-cgroup through the
/// user's own manager (a transient scope in its user.slice, properties, delete leaves nothing).
/// One VM boot. With OCI_RUNTIME=/usr/sbin/runc it shows runc 1.1.5 does the same.
/// </summary>
public class VmRootlessTests
{
    [Fact]
    [Trait("Category", "Vm")]
    public void RootlessSuite_WithAUserManagerInTheSystemdGuest_AllChecksPass() =>
        VmSuite.AssertAllPass("rootless-suite.sh", TimeSpan.FromSeconds(600), minChecks: 40);
}
