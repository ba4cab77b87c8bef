using Google.Protobuf;
using Grpc.Core;
using Runtime.V1;

namespace OciRuntime.Cri;

/// <summary>
/// One pod as kubelet would make it on this host: host network and no hostname (there is no CNI),
/// its own pid namespace per container, IPC shared in the pod, an absolute cgroup_parent under the
/// run's own top-level cgroup (with the systemd driver, kubelet's pod slice
/// kubepods-besteffort-pod&lt;uid&gt;.slice, which containerd turns into the cgroupsPath
/// "&lt;slice&gt;:cri-containerd:&lt;id&gt;"), a log directory of its own, and the runtime handler under test.
/// Dispose stops and removes it (and its containers) if the test did not.
/// </summary>
public sealed class TestPod : IDisposable
{
    public CriDaemon D { get; }
    public string Handler { get; }
    public string Name { get; }
    public string Id { get; }
    public PodSandboxConfig Config { get; }
    public string LogDir => Config.LogDirectory;
    public string CgroupParent => Config.Linux.CgroupParent;
    /// <summary>The pod's cgroup in the unified hierarchy (a slice's nested path with the systemd driver).</summary>
    public string CgroupPath => CriEnv.SystemdCgroup ? Systemd.SliceCgroup(CgroupParent) : CgroupParent;
    /// <summary>A container's (or the sandbox's) cgroup: containerd's scope name with the systemd driver.</summary>
    public string ContainerCgroup(string id) => CriEnv.SystemdCgroup ? $"{CgroupPath}/{ScopeUnit(id)}" : $"{CgroupParent}/{id}";
    /// <summary>The transient scope the runtime asks systemd for (cgroupsPath "slice:cri-containerd:id").</summary>
    public static string ScopeUnit(string id) => $"cri-containerd-{id}.scope";
    public List<string> ContainerIds { get; } = [];
    bool _removed;

    RuntimeService.RuntimeServiceClient Rt => D.Runtime;

    public TestPod(CriDaemon d, string handler, string tag)
    {
        d.Require();
        D = d;
        Handler = handler;
        Name = d.NewPodName($"{tag}-{handler}");
        Config = SandboxConfig(d, Name);
        Directory.CreateDirectory(Config.LogDirectory);
        Id = Rt.RunPodSandbox(new RunPodSandboxRequest { Config = Config, RuntimeHandler = handler }, CriDaemon.Deadline()).PodSandboxId;
    }

    public static PodSandboxConfig SandboxConfig(CriDaemon d, string name)
    {
        string uid = Guid.NewGuid().ToString();
        return SandboxConfig(d, name, uid, CriEnv.SystemdCgroup ? Systemd.PodSlice(uid) : $"/{d.CgroupTop}/{name}");
    }

    static PodSandboxConfig SandboxConfig(CriDaemon d, string name, string uid, string cgroupParent) => new()
    {
        Metadata = new PodSandboxMetadata { Name = name, Uid = uid, Namespace = "occri" },
        LogDirectory = Path.Combine(d.Dir, "logs", name),
        Labels = { ["occri"] = name },
        Linux = new LinuxPodSandboxConfig
        {
            CgroupParent = cgroupParent,
            SecurityContext = new LinuxSandboxSecurityContext
            {
                NamespaceOptions = new NamespaceOption { Network = NamespaceMode.Node, Pid = NamespaceMode.Container, Ipc = NamespaceMode.Pod },
            },
        },
    };

    /// <summary>A busybox container config as kubelet sends it for a BestEffort pod (cpu.shares 2).</summary>
    public ContainerConfig ContainerConfig(string name, params string[] command) => new()
    {
        Metadata = new ContainerMetadata { Name = name },
        Image = new ImageSpec { Image = CriDaemon.BusyboxImage },
        Command = { command },
        LogPath = $"{name}.log",
        Labels = { ["occri"] = Name },
        Linux = new LinuxContainerConfig
        {
            Resources = new LinuxContainerResources { CpuShares = 2, OomScoreAdj = 1000 },
            SecurityContext = new LinuxContainerSecurityContext
            {
                NamespaceOptions = new NamespaceOption { Network = NamespaceMode.Node, Pid = NamespaceMode.Container, Ipc = NamespaceMode.Pod },
            },
        },
    };

    public string Create(ContainerConfig c)
    {
        string id = Rt.CreateContainer(new CreateContainerRequest { PodSandboxId = Id, Config = c, SandboxConfig = Config }, CriDaemon.Deadline()).ContainerId;
        ContainerIds.Add(id);
        return id;
    }

    public string Start(string name, params string[] command) => Start(ContainerConfig(name, command));

    public string Start(ContainerConfig c)
    {
        string id = Create(c);
        Rt.StartContainer(new StartContainerRequest { ContainerId = id }, CriDaemon.Deadline());
        return id;
    }

    public ContainerStatus Status(string containerId) =>
        Rt.ContainerStatus(new ContainerStatusRequest { ContainerId = containerId }, CriDaemon.Deadline()).Status;

    public ContainerStatus WaitFor(string containerId, ContainerState state, int seconds = 20)
    {
        seconds *= CriEnv.TimeScale;
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        ContainerStatus s;
        while ((s = Status(containerId)).State != state)
        {
            if (DateTime.UtcNow > deadline) throw new Xunit.Sdk.XunitException($"container {containerId} is {s.State}, not {state}, after {seconds} s: {s}");
            Thread.Sleep(50);
        }
        return s;
    }

    public ExecSyncResponse ExecSync(string containerId, long timeoutSeconds, params string[] cmd) =>
        Rt.ExecSync(new ExecSyncRequest { ContainerId = containerId, Cmd = { cmd }, Timeout = timeoutSeconds }, CriDaemon.Deadline(60));

    public static string Text(ByteString b) => b.ToStringUtf8();

    /// <summary>The container's init pid on the host, from ContainerStatus' verbose info (containerd's "pid").</summary>
    public int Pid(string containerId)
    {
        var r = Rt.ContainerStatus(new ContainerStatusRequest { ContainerId = containerId, Verbose = true }, CriDaemon.Deadline());
        using var info = System.Text.Json.JsonDocument.Parse(r.Info["info"]);
        return info.RootElement.GetProperty("pid").GetInt32();
    }

    public void StopAndRemove()
    {
        if (_removed) return;
        Rt.StopPodSandbox(new StopPodSandboxRequest { PodSandboxId = Id }, CriDaemon.Deadline());
        Rt.RemovePodSandbox(new RemovePodSandboxRequest { PodSandboxId = Id }, CriDaemon.Deadline());
        _removed = true;
    }

    /// <summary>The test removed the pod through the API itself.</summary>
    public void MarkRemoved() => _removed = true;

    public void Dispose()
    {
        try { StopAndRemove(); }
        catch (RpcException) { /* the test's own checks report what went wrong */ }
    }

    /// <summary>
    /// Everything the pod could have left once removed: processes in its cgroups, its shims, the
    /// runtime's state dirs, the shims' bundles, cgroup leaves (the runtimes remove the leaf they
    /// created; the parent /top/pod dir is kubelet's to manage, as here the fixture's), and mounts.
    /// </summary>
    public List<string> Leftovers()
    {
        var left = new List<string>();
        var ids = ContainerIds.Append(Id).ToList();
        foreach (int p in HostState.ProcessesInCgroup(CgroupPath))
            left.Add($"process {p} ({HostState.Cmdline(p)}) in {CgroupPath}");
        foreach (string id in ids)
        {
            foreach (int p in HostState.ProcessesMatching(id)) left.Add($"process {p} ({HostState.Cmdline(p)})");
            foreach (string root in new[] { Path.Combine(D.RuntimeRoot(Handler), "k8s.io", id), D.Bundle(id) })
                if (Directory.Exists(root)) left.Add($"directory {root}");
            foreach (string m in HostState.MountsUnder(D.Bundle(id))) left.Add($"mount {m}");
        }
        foreach (string d in HostState.CgroupDirsBelow(CgroupPath)) left.Add($"cgroup {d}");
        if (CriEnv.SystemdCgroup)
        {
            var units = Systemd.Units("scope");
            foreach (string id in ids)
                if (units.Contains(ScopeUnit(id))) left.Add($"unit {ScopeUnit(id)}");
        }
        return left;
    }

    /// <summary>Waits (shims exit asynchronously) until <see cref="Leftovers"/> is empty; returns what remains.</summary>
    public List<string> WaitForNothingLeft(int seconds = 10)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        List<string> left;
        while ((left = Leftovers()).Count > 0 && DateTime.UtcNow < deadline) Thread.Sleep(100);
        return left;
    }
}
