namespace OciRuntime.Conformance.Tests;

/// <summary>
/// Real cgroup v2 enforcement, which this hybrid host cannot show: conformance/vm/cgroup-suite.sh
/// boots the pure cgroup v2 qemu guest (conformance/vm/run-in-vm.sh, docs/vm-harness.md) and checks
/// there, with the runtime under test, that memory.max OOM-kills a hog, pids.max stops a fork loop,
/// cpu.max throttles, device rules deny and allow, freeze/thaw, update, stats, nested/relative
/// cgroupsPath and delete cleanup. One VM boot for all of it (~1–2 minutes under TCG).
/// </summary>
public class VmCgroupTests
{
    [Fact]
    [Trait("Category", "Vm")]
    public void CgroupSuite_InAPureCgroupV2Guest_AllChecksPass() =>
        VmSuite.AssertAllPass("cgroup-suite.sh", TimeSpan.FromSeconds(420), minChecks: 40);
}
