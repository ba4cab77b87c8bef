using System.Diagnostics;
using System.Text.Json;
using Runtime.V1;

namespace OciRuntime.Cri.Guest;

/// <summary>
/// The CRI path of a kubeadm node (kubelet's cgroupDriver systemd, containerd's runc-v2
/// `SystemdCgroup = true`), run inside the systemd qemu guest (systemd 252 as PID 1, pure cgroup v2)
/// by conformance/Cri/systemd-guest.sh. The same fixtures as the host suite (CriDaemon, TestPod)
/// with OCI_CRI_SYSTEMD_CGROUP=1. Per handler, runc first (the oracle), one pod in kubelet's
/// BestEffort pod slice: the shim's slice:prefix:name cgroupsPath and the scopes systemd made;
/// a container's lifecycle and ExecSync; ContainerStats checked against the scope's own cgroup
/// files; UpdateContainerResources with hard limits read back from the scope's files and from
/// systemd's unit properties; StopContainer; RemovePodSandbox leaving no scope unit, cgroup,
/// process, state dir or mount. One pod per handler: under TCG every runtime call costs a second.
/// </summary>
public static class SystemdGuestSuite
{
    const string Cg = "/sys/fs/cgroup";
    const long MemoryLimit = 200L << 20;

    public static int Run()
    {
        var c = new GuestChecks();
        var total = Stopwatch.StartNew();
        c.Eq("guest: systemd is PID 1", File.ReadAllText("/proc/1/comm").Trim(), "systemd");
        c.True("guest: pure cgroup v2", File.Exists($"{Cg}/cgroup.controllers") && !Directory.Exists($"{Cg}/memory"), "no unified hierarchy at /sys/fs/cgroup, or v1 controllers mounted");
        using (var d = new CriDaemon())
        {
            if (!c.Step("containerd with SystemdCgroup = true for both handlers, images imported", d.Require))
            {
                c.Note($"containerd log: {CriDaemon.Tail(d.DaemonLog)}");
                Console.WriteLine(c.Summary);
                return 1;
            }
            c.Note($"set up in {total.Elapsed.TotalSeconds:F0} s (TCG)");
            foreach (string handler in CriEnv.HandlerNames)
            {
                var sw = Stopwatch.StartNew();
                OnePod(d, handler, c);
                c.Note($"{handler}: {sw.Elapsed.TotalSeconds:F0} s for the pod (TCG)");
                CriReport.Line($"{handler}: systemd guest pod lifecycle in {sw.Elapsed.TotalSeconds:F0} s (TCG)");
            }
            var scopes = Systemd.Units("scope").Where(u => u.StartsWith("cri-containerd-", StringComparison.Ordinal)).ToList();
            c.True("after both handlers: no cri-containerd scope unit at all", scopes.Count == 0, string.Join(", ", scopes));
        }
        c.Note($"CRI suite in the systemd guest took {total.Elapsed.TotalSeconds:F0} s in the guest");
        Console.WriteLine(c.Summary);
        return c.Failed == 0 ? 0 : 1;
    }

    static void OnePod(CriDaemon d, string h, GuestChecks c)
    {
        string N(string what) => $"{h}: {what}";
        TestPod pod;
        try { pod = new TestPod(d, h, "sd"); }
        catch (Exception e)
        {
            c.True(N("RunPodSandbox"), false, $"{e.Message} — containerd: {CriDaemon.Tail(d.DaemonLog, 600)}");
            return;
        }
        using (pod)
        {
            try { Lifecycle(d, pod, c, N); }
            catch (Exception e) { c.True(N("the pod's calls"), false, $"{e.GetType().Name}: {e.Message}"); }
        }
    }

    static void Lifecycle(CriDaemon d, TestPod pod, GuestChecks c, Func<string, string> N)
    {
        string slice = pod.CgroupParent;
        c.True(N("RunPodSandbox in kubelet's pod slice"), true, "");

        // ---- the sandbox: the shim asked for slice:prefix:name, the runtime got systemd to make the scope
        var ss = d.Runtime.PodSandboxStatus(new PodSandboxStatusRequest { PodSandboxId = pod.Id, Verbose = true }, CriDaemon.Deadline());
        c.Eq(N("sandbox ready"), ss.Status.State, PodSandboxState.SandboxReady);
        c.Eq(N("sandbox: the shim's cgroupsPath is slice:cri-containerd:id"), CgroupsPath(d.Bundle(pod.Id)), $"{slice}:cri-containerd:{pod.Id}");
        ScopeIsTheContainers(c, N("sandbox"), pod, pod.Id, InfoPid(ss.Info));
        c.Lap(N("sandbox checked"));

        // ---- a container: busy for 2 s, holding 4 MB, leaving on SIGTERM
        // A bounded busy loop: a spinning vCPU would slow the emulated guest for everything after it.
        string id = pod.Start("app", "sh", "-c", "trap 'exit 0' TERM; x=$(head -c 4000000 /dev/zero | tr '\\0' a); timeout 2 sh -c 'while :; do :; done'; echo ready; while :; do sleep 1; done");
        c.Eq(N("container running"), pod.WaitFor(id, ContainerState.ContainerRunning).State, ContainerState.ContainerRunning);
        c.Eq(N("container: the shim's cgroupsPath is slice:cri-containerd:id"), CgroupsPath(d.Bundle(id)), $"{slice}:cri-containerd:{id}");
        ScopeIsTheContainers(c, N("container"), pod, id, pod.Pid(id));
        c.Lap(N("container created, started, checked"));
        var ex = pod.ExecSync(id, 30 * CriEnv.TimeScale, "sh", "-c", "echo exec-ok; exit 3");
        c.Eq(N("ExecSync: output and exit code"), $"{TestPod.Text(ex.Stdout).Trim()} {ex.ExitCode}", "exec-ok 3");
        c.Lap(N("ExecSync"));

        // ---- ContainerStats: containerd's shim reads the pure v2 cgroup of the init, i.e. the scope
        string cg = Cg + pod.ContainerCgroup(id);
        WaitForLog(pod, "ready");
        Thread.Sleep(500);
        long memBefore = ReadLong($"{cg}/memory.current");
        var st = d.Runtime.ContainerStats(new ContainerStatsRequest { ContainerId = id }, CriDaemon.Deadline()).Stats;
        long memAfter = ReadLong($"{cg}/memory.current");
        ulong cpuAfter = CpuUsageNs(cg);
        ulong cpu = st.Cpu?.UsageCoreNanoSeconds?.Value ?? 0, ws = st.Memory?.WorkingSetBytes?.Value ?? 0;
        CriReport.Line($"{pod.Handler}: ContainerStats in the systemd guest: cpu {cpu} ns (scope's cpu.stat just after: {cpuAfter} ns), " +
                       $"working set {ws} bytes (scope's memory.current {memBefore}..{memAfter})");
        c.True(N("ContainerStats: cpu usage > 50 ms (2 s of busy loop), not above the scope's cpu.stat"),
            cpu > 50_000_000 && cpu <= cpuAfter, $"usage_core_nano_seconds {cpu}, the scope's cpu.stat usage {cpuAfter} ns");
        c.True(N("ContainerStats: working set >= the 4 MB held, not above the scope's memory.current"),
            ws >= 4_000_000 && (long)ws <= Math.Max(memBefore, memAfter) + (1 << 20), $"working_set_bytes {ws}, the scope's memory.current {memBefore}..{memAfter}");
        c.Lap(N("ContainerStats"));

        // ---- UpdateContainerResources with hard limits: the scope's files and systemd's properties
        var res = new LinuxContainerResources { CpuShares = 512, CpuPeriod = 100_000, CpuQuota = 50_000, MemoryLimitInBytes = MemoryLimit };
        res.Unified["pids.max"] = "64"; // CRI has no pids field: the unified map carries it
        d.Runtime.UpdateContainerResources(new UpdateContainerResourcesRequest { ContainerId = id, Linux = res }, CriDaemon.Deadline());
        c.Eq(N("update: memory.max"), ReadText($"{cg}/memory.max"), MemoryLimit.ToString());
        c.Eq(N("update: cpu.max"), ReadText($"{cg}/cpu.max"), "50000 100000");
        c.Eq(N("update: cpu.weight (shares 512)"), ReadText($"{cg}/cpu.weight"), "20");
        c.Eq(N("update: pids.max"), ReadText($"{cg}/pids.max"), "64");
        var p = Systemd.Show(TestPod.ScopeUnit(id), "MemoryMax", "CPUQuotaPerSecUSec", "CPUWeight", "TasksMax");
        c.Eq(N("update: the scope's MemoryMax"), p.GetValueOrDefault("MemoryMax"), MemoryLimit.ToString());
        c.Eq(N("update: the scope's CPUQuotaPerSecUSec (50%)"), p.GetValueOrDefault("CPUQuotaPerSecUSec"), "500ms");
        c.Eq(N("update: the scope's CPUWeight"), p.GetValueOrDefault("CPUWeight"), "20");
        c.Eq(N("update: the scope's TasksMax"), p.GetValueOrDefault("TasksMax"), "64");
        c.Eq(N("update: the container still runs"), pod.Status(id).State, ContainerState.ContainerRunning);
        c.Lap(N("UpdateContainerResources"));

        // ---- StopContainer: SIGTERM reaches the init in its scope; the runtime's delete stops the unit
        d.Runtime.StopContainer(new StopContainerRequest { ContainerId = id, Timeout = 10 * CriEnv.TimeScale }, CriDaemon.Deadline(60));
        var s = pod.Status(id);
        c.Eq(N("StopContainer: exited on SIGTERM, status 0"), $"{s.State} {s.ExitCode}", $"{ContainerState.ContainerExited} 0");
        c.True(N("StopContainer: the container's scope unit is gone"), Systemd.WaitUnitGone(TestPod.ScopeUnit(id), 15 * CriEnv.TimeScale), $"{TestPod.ScopeUnit(id)} still loaded");
        c.True(N("StopContainer: the container's cgroup is gone"), WaitGone(cg), $"{cg} still exists");
        d.Runtime.RemoveContainer(new RemoveContainerRequest { ContainerId = id }, CriDaemon.Deadline());
        c.Lap(N("StopContainer, RemoveContainer"));

        // ---- RemovePodSandbox: nothing left; then the pod slice goes as kubelet removes it
        pod.StopAndRemove();
        c.True(N("RemovePodSandbox: the sandbox's scope unit is gone"), Systemd.WaitUnitGone(TestPod.ScopeUnit(pod.Id), 15 * CriEnv.TimeScale), $"{TestPod.ScopeUnit(pod.Id)} still loaded");
        var left = pod.WaitForNothingLeft(15 * CriEnv.TimeScale);
        c.True(N("RemovePodSandbox: no scope unit, cgroup, process, state dir, bundle or mount left"), left.Count == 0, string.Join("; ", left));
        c.True(N("ListPodSandbox no longer lists the pod"),
            d.Runtime.ListPodSandbox(new ListPodSandboxRequest(), CriDaemon.Deadline()).Items.All(x => x.Id != pod.Id), "still listed");
        c.Lap(N("StopPodSandbox, RemovePodSandbox, leftovers checked"));
        // kubelet removes the pod's slice once the pod is gone: nothing of the runtimes' may hold it.
        Systemd.Stop(slice);
        bool gone = WaitGone(Cg + pod.CgroupPath);
        var sl = Systemd.Show(slice, "ActiveState", "LoadState");
        c.True(N("the empty pod slice stops as kubelet stops it, its cgroup gone"),
            gone && sl.GetValueOrDefault("ActiveState") == "inactive",
            $"{slice}: {string.Join(", ", sl.Select(kv => $"{kv.Key}={kv.Value}"))}; {Cg}{pod.CgroupPath} {(gone ? "gone" : "remains")}");
    }

    /// <summary>The init is in cri-containerd-&lt;id&gt;.scope under the nested pod slice, a unit systemd knows.</summary>
    static void ScopeIsTheContainers(GuestChecks c, string what, TestPod pod, string id, int pid)
    {
        string unit = TestPod.ScopeUnit(id);
        var u = Systemd.Show(unit, "ActiveState", "Slice", "Delegate");
        c.Eq($"{what}: {unit} is active", u.GetValueOrDefault("ActiveState"), "active");
        c.Eq($"{what}: the scope's Slice is the pod slice", u.GetValueOrDefault("Slice"), pod.CgroupParent);
        c.Eq($"{what}: the scope has Delegate=yes", u.GetValueOrDefault("Delegate"), "yes");
        c.Eq($"{what}: the init is in the scope under kubepods.slice/kubepods-besteffort.slice/<pod>.slice",
            UnifiedCgroup(pid), pod.ContainerCgroup(id));
    }

    static int InfoPid(IDictionary<string, string> info)
    {
        using var doc = JsonDocument.Parse(info["info"]);
        return doc.RootElement.GetProperty("pid").GetInt32();
    }

    static string CgroupsPath(string bundle)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(bundle, "config.json")));
        return doc.RootElement.GetProperty("linux").GetProperty("cgroupsPath").GetString() ?? "";
    }

    static string UnifiedCgroup(int pid) =>
        File.ReadAllLines($"/proc/{pid}/cgroup").FirstOrDefault(l => l.StartsWith("0::", StringComparison.Ordinal))?[3..] ?? "(none)";

    static string ReadText(string file)
    {
        try { return File.ReadAllText(file).Trim(); }
        catch (IOException e) { return $"({e.Message})"; }
    }

    static long ReadLong(string file) => long.TryParse(ReadText(file), out long v) ? v : -1;

    static ulong CpuUsageNs(string cg)
    {
        foreach (string l in File.ReadAllLines($"{cg}/cpu.stat"))
            if (l.StartsWith("usage_usec ", StringComparison.Ordinal)) return ulong.Parse(l[11..]) * 1000;
        return 0;
    }

    static bool WaitGone(string dir)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10 * CriEnv.TimeScale);
        while (Directory.Exists(dir)) { if (DateTime.UtcNow > deadline) return false; Thread.Sleep(100); }
        return true;
    }

    static void WaitForLog(TestPod pod, string text)
    {
        string log = Path.Combine(pod.LogDir, "app.log");
        var deadline = DateTime.UtcNow.AddSeconds(30 * CriEnv.TimeScale);
        while (!CriLogFile.Lines(CriLogFile.ReadAll(log), "stdout").Contains(text))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"\"{text}\" not in {log}");
            Thread.Sleep(100);
        }
    }
}
