namespace OciRuntime.Conformance.Tests;

/// <summary>
/// The systemd cgroup driver against real systemd: conformance/vm/systemd-suite.sh boots the qemu
/// guest with systemd 252 as PID 1 and pure cgroup v2 (run-in-vm.sh --systemd, docs/vm-harness.md)
/// and checks, with the runtime under test and --systemd-cgroup, transient scopes created and
/// removed, resources as unit properties and files, kubepods-style nested slices and the
/// lifecycle. One VM boot for all of it. With OCI_RUNTIME=/usr/sbin/runc it shows runc 1.1.5 does
/// the same.
/// </summary>
public class VmSystemdTests
{
    [Fact]
    [Trait("Category", "Vm")]
    public void SystemdSuite_WithSystemdAsPid1_AllChecksPass() =>
        VmSuite.AssertAllPass("systemd-suite.sh", TimeSpan.FromSeconds(720), minChecks: 68);
}
