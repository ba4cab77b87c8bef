using System.Diagnostics;
using System.Runtime.InteropServices;
using OciRuntime.Container;
using OciRuntime.Native.Interop;
using OciRuntime.Native.Plan;
using OciRuntime.Process;
using OciRuntime.Spec.Config;

namespace OciRuntime.Tests;

/// <summary>
/// CVE-2025-52881: the runtime's writes to procfs must not follow a mount placed over the file.
/// The host-side writer is attacked for real (a bind over /proc/PID/oom_score_adj of a test-owned
/// `sleep`, which needs root); the LSM label writes are checked on the plan they compile to (no LSM
/// is enabled on the development machines). Both fail when built with OCI_WEAKEN_PROCFS_VERIFY.
/// </summary>
public partial class ProcfsWriteTests
{
    [LibraryImport("libc", EntryPoint = "mount", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Mount(string? source, string target, string? fstype, ulong flags, string? data);

    [LibraryImport("libc", EntryPoint = "umount2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Umount2(string target, int flags);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEuid();

    [Fact]
    public void HostProcfs_WritesTheRealFile()
    {
        using var sleeper = System.Diagnostics.Process.Start("/bin/sleep", "30");
        try
        {
            Assert.Null(HostProcfs.Write(sleeper.Id, "oom_score_adj", "123"));
            Assert.Equal("123", File.ReadAllText($"/proc/{sleeper.Id}/oom_score_adj").Trim());
        }
        finally { sleeper.Kill(); }
    }

    [Fact]
    public void HostProcfs_RefusesAFileMountedOverProcPid()
    {
        if (GetEuid() != 0) { Console.WriteLine("skipped: binding over /proc/PID needs root"); return; }
        string canary = Path.Combine(Path.GetTempPath(), $"oci-procfs-canary-{Environment.ProcessId}");
        File.WriteAllText(canary, "canary\n");
        using var sleeper = System.Diagnostics.Process.Start("/bin/sleep", "30");
        string target = $"/proc/{sleeper.Id}/oom_score_adj";
        Assert.True(Mount(canary, target, null, 0x1000 /* MS_BIND */, null) == 0, $"bind the canary over {target}: errno {Marshal.GetLastPInvokeError()}");
        try
        {
            string? failure = HostProcfs.Write(sleeper.Id, "oom_score_adj", "500");
            Assert.Equal("canary\n", File.ReadAllText(canary));
            Assert.NotNull(failure);
            Assert.Contains("mounted over", failure);
        }
        finally
        {
            Umount2(target, 2 /* MNT_DETACH */);
            sleeper.Kill();
            File.Delete(canary);
        }
    }

    [Fact]
    public void LsmLabels_AreWrittenThroughAPrivateProcfsOpenedBeforeTheCredentialsChange()
    {
        var p = new ProcessSpec { Args = ["true"], ApparmorProfile = "confined", SelinuxLabel = "system_u:system_r:container_t:s0" };
        var plan = new ProcessPlan();
        LaunchPlanner.EmitCredentials(plan, p, null, setgroupsAllowed: true, PlanFixture.Host);
        LaunchPlanner.EmitLookupLabelsAndSeccomp(plan, p, null, "");
        LaunchPlanner.EmitExec(plan, p, "");
        var steps = plan.Steps.ToList();

        int fsmount = steps.FindIndex(s => s.Nr == Nr.fsmount);
        int setresuid = steps.FindIndex(s => s.Nr == Nr.setresuid);
        Assert.True(fsmount >= 0, "no private procfs is mounted for the label writes");
        Assert.True(fsmount < setresuid, "the procfs must be made while the process is still privileged");
        Assert.Equal(PlanArgKind.Data, steps[steps.FindIndex(s => s.Nr == Nr.fsopen)].Args[0].Kind);

        var labelOpens = steps.Where(s => s.Description.Contains("attr/", StringComparison.Ordinal) && (s.Nr == Nr.openat || s.Nr == Nr.openat2)).ToList();
        Assert.Equal(2, labelOpens.Count);
        foreach (PlanStep open in labelOpens)
        {
            // openat2(<the fsmount'ed procfs>, "thread-self/attr/...", {resolve: no magic links, no mount crossing}).
            Assert.Equal(Nr.openat2, open.Nr);
            Assert.Equal(PlanArgKind.Slot, open.Args[0].Kind);
            Assert.Equal(steps[fsmount].ResultSlot, (int)open.Args[0].Value);
            ulong resolve = BitConverter.ToUInt64(open.Args[2].Bytes!, 16);
            Assert.Equal(Resolve.BENEATH | Resolve.NO_MAGICLINKS | Resolve.NO_XDEV, resolve);
        }
    }
}
