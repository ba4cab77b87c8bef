using Grpc.Core;
using Runtime.V1;

namespace OciRuntime.Cri.Tests;

/// <summary>
/// ContainerStats and UpdateContainerResources on this host, per handler. On a hybrid host
/// containerd 1.6's shim reads the v1 cgroups listed in /proc/&lt;init&gt;/cgroup; oci-runtime places
/// the container in the unified hierarchy only, so what containerd returns for it is recorded
/// (build/cri-report.txt), not asserted here: Guest/SystemdGuestSuite.cs asserts them in the pure
/// cgroup v2 systemd guest, with the hard limits this host refuses.
/// Weights are applied by runc through v1 and skipped with one warning by oci-runtime; a hard limit
/// is applied by runc and refused, clearly, by oci-runtime.
/// </summary>
[Collection("cri")]
public sealed class ResourceTests(CriDaemon d)
{
    public static TheoryData<string> Handlers => CriEnv.Handlers;

    static bool Hybrid => !File.Exists("/sys/fs/cgroup/cgroup.controllers");

    [Theory, MemberData(nameof(Handlers))]
    public void ContainerStats_Answers_AndWhatItReturnsIsRecorded(string handler)
    {
        using var pod = new TestPod(d, handler, "stats");
        string id = pod.Start("app", "sh", "-c", "x=$(head -c 4000000 /dev/zero | tr '\\0' a); i=0; while :; do i=$((i+1)); done");
        pod.WaitFor(id, ContainerState.ContainerRunning);
        Thread.Sleep(1000); // some cpu time
        var st = d.Runtime.ContainerStats(new ContainerStatsRequest { ContainerId = id }, CriDaemon.Deadline()).Stats;
        Assert.Equal(id, st.Attributes.Id);
        ulong? cpu = st.Cpu?.UsageCoreNanoSeconds?.Value, mem = st.Memory?.WorkingSetBytes?.Value;
        int pid = pod.Pid(id);
        string cgroups = File.ReadAllText($"/proc/{pid}/cgroup").Replace('\n', ' ');
        CriReport.Line($"{handler}: ContainerStats of a busy container: cpu usage_core_nano_seconds {cpu?.ToString() ?? "none"}, " +
                       $"memory working_set_bytes {mem?.ToString() ?? "none"}, writable layer {st.WritableLayer?.UsedBytes?.Value.ToString() ?? "none"} bytes; " +
                       $"the init's cgroups: {cgroups}");
        if (handler == "runc" || !Hybrid)
        {
            Assert.True(cpu > 100_000_000UL, $"cpu usage {cpu} ns after a second of a busy loop");
            Assert.True(mem > 0 && mem < 256UL << 20, $"working set {mem} is not the container's");
        }
        else
        {
            // oci-runtime on a hybrid host: the container is in no v1 cgroup of its own.
            Assert.Contains($"0::{pod.CgroupParent}/{id}", cgroups);
        }
    }

    [Theory, MemberData(nameof(Handlers))]
    public void UpdateContainerResources_Weights(string handler)
    {
        using var pod = new TestPod(d, handler, "update-weight");
        string id = pod.Start("app", "sleep", "1000");
        pod.WaitFor(id, ContainerState.ContainerRunning);
        d.Runtime.UpdateContainerResources(new UpdateContainerResourcesRequest
        {
            ContainerId = id,
            Linux = new LinuxContainerResources { CpuShares = 512, OomScoreAdj = 1000 },
        }, CriDaemon.Deadline());
        Assert.Equal(ContainerState.ContainerRunning, pod.Status(id).State);
        string cg = $"{pod.CgroupParent}/{id}";
        if (handler == "runc")
        {
            string shares = new[] { "cpu", "cpu,cpuacct" }.Select(h => $"/sys/fs/cgroup/{h}{cg}/cpu.shares").FirstOrDefault(File.Exists) ?? $"/sys/fs/cgroup{cg}/cpu.weight";
            Assert.Equal(shares.EndsWith("cpu.weight") ? "20" : "512", File.ReadAllText(shares).Trim());
        }
        else if (Hybrid)
        {
            // One warning per call in the runtime's --log (the shim's bundle/log.json): create's
            // cpu.shares 2, then the update's 512; neither on the container's stderr.
            string log = File.ReadAllText(Path.Combine(d.Bundle(id), "log.json"));
            Assert.Contains("linux.resources.cpu.shares (2)", log);
            Assert.Contains("linux.resources.cpu.shares (512)", log);
            Assert.DoesNotContain(CriLogFile.ReadAll(Path.Combine(pod.LogDir, "app.log")), r => r.Content.Contains("cpu.shares"));
        }
        else
        {
            Assert.Equal("20", File.ReadAllText($"/sys/fs/cgroup{cg}/cpu.weight").Trim()); // 512 shares
        }
    }

    [Theory, MemberData(nameof(Handlers))]
    public void UpdateContainerResources_MemoryLimit(string handler)
    {
        using var pod = new TestPod(d, handler, "update-memory");
        string id = pod.Start("app", "sleep", "1000");
        pod.WaitFor(id, ContainerState.ContainerRunning);
        var req = new UpdateContainerResourcesRequest { ContainerId = id, Linux = new LinuxContainerResources { CpuShares = 2, MemoryLimitInBytes = 256L << 20 } };
        string cg = $"{pod.CgroupParent}/{id}";
        if (handler == "oci-runtime" && Hybrid)
        {
            var e = Assert.Throws<RpcException>(() => d.Runtime.UpdateContainerResources(req, CriDaemon.Deadline()));
            CriReport.Line($"{handler}: UpdateContainerResources with a memory limit on this hybrid host: {e.Status.Detail}");
            // containerd sets memory.swap = limit with it (no swapping by default): either names the field.
            Assert.Contains("linux.resources.memory.", e.Status.Detail);
            Assert.Contains("memory controller is not available", e.Status.Detail);
            Assert.Equal(ContainerState.ContainerRunning, pod.Status(id).State);
            return;
        }
        d.Runtime.UpdateContainerResources(req, CriDaemon.Deadline());
        string file = handler == "runc" && Hybrid ? $"/sys/fs/cgroup/memory{cg}/memory.limit_in_bytes" : $"/sys/fs/cgroup{cg}/memory.max";
        Assert.Equal((256L << 20).ToString(), File.ReadAllText(file).Trim());
    }
}
