using System.Diagnostics;
using Grpc.Core;
using Grpc.Net.Client;
using Runtime.V1;

namespace OciRuntime.Cri;

[CollectionDefinition("cri")]
public sealed class CriCollection : ICollectionFixture<CriDaemon>;

/// <summary>
/// A private containerd 1.6 with its CRI plugin, for the whole suite: own root, state, sockets,
/// config and CNI dirs under one temp dir; started with a clean environment and no fds above 2 (Go
/// hands inherited fds down to every runtime call); `restrict_oom_score_adj` (root lacks
/// CAP_SYS_RESOURCE here); the sandbox image and busybox built locally and imported into k8s.io;
/// runtime handlers `runc` and `oci-runtime` (the runc v2 shim with BinaryName, each with its own
/// runtime root). Pods run on the host network (no CNI here) under the top-level cgroup
/// <see cref="CgroupTop"/>, never under the caller's (on the v1 memory hierarchy that is
/// /process_api, which must not be touched). Dispose removes pods, daemon, shims, leftover
/// processes, mounts, cgroups and the temp dir.
/// A setup failure fails every test with its reason (<see cref="Require"/>), never a skip.
/// With <see cref="CriEnv.SystemdCgroup"/> (the systemd guest) the handlers run with containerd's
/// `SystemdCgroup = true`, pods live in kubelet's systemd-driver slices under kubepods.slice, and
/// Dispose stops that slice through systemd instead of removing cgroup dirs behind its back.
/// </summary>
public sealed class CriDaemon : IDisposable
{
    public string Dir { get; }
    public string Socket => Path.Combine(Dir, "containerd.sock");
    /// <summary>
    /// Top-level cgroup of this run (every hierarchy): pods' cgroup_parent is /CgroupTop/&lt;pod&gt;;
    /// with the systemd driver kubelet's kubepods.slice, which holds every pod slice.
    /// </summary>
    public string CgroupTop { get; } = CriEnv.SystemdCgroup ? "kubepods.slice" : $"occri{Environment.ProcessId}";
    public const string PauseImage = "localhost/pause:latest";
    public const string BusyboxImage = "localhost/busybox:latest";

    public RuntimeService.RuntimeServiceClient Runtime { get; }
    public ImageService.ImageServiceClient Images { get; }

    readonly GrpcChannel _channel;
    // containerd 1.6's shims put their sockets in /run/containerd/s whatever the state dir is: if the
    // host had no /run/containerd before us, the empty dirs they leave are removed at the end.
    readonly bool _runContainerdExisted = Directory.Exists("/run/containerd");
    Process? _daemon;
    string? _setupError;
    int _podCounter;

    public CriDaemon()
    {
        Dir = Directory.CreateTempSubdirectory($"occri-{Environment.ProcessId}-").FullName;
        File.SetUnixFileMode(Dir, (UnixFileMode)0b111_101_101);
        _channel = UnixGrpc.Channel(Socket);
        Runtime = new RuntimeService.RuntimeServiceClient(_channel);
        Images = new ImageService.ImageServiceClient(_channel);
        CriReport.Reset();
        try { Setup(); }
        catch (Exception e) { _setupError = e.Message; }
    }

    /// <summary>Fails the calling test if the daemon could not be set up.</summary>
    public void Require()
    {
        if (_setupError is not null) throw new InvalidOperationException($"CRI suite setup failed: {_setupError}");
    }

    public string RuntimeRoot(string handler) => Path.Combine(Dir, "runtime-root", handler);
    /// <summary>The shim's bundle of a container or sandbox (config.json, log.json with the runtime's --log).</summary>
    public string Bundle(string id) => Path.Combine(Dir, "state", "io.containerd.runtime.v2.task", "k8s.io", id);
    public string DaemonLog => Path.Combine(Dir, "containerd.log");
    public string NewPodName(string tag) => $"{tag}-{Interlocked.Increment(ref _podCounter)}";

    public static CallOptions Deadline(int seconds = 60) => new(deadline: DateTime.UtcNow.AddSeconds(seconds * CriEnv.TimeScale));

    void Setup()
    {
        if (Libc.geteuid() != 0) throw new InvalidOperationException("the CRI suite must run as root");
        string[] tools = CriEnv.PrebuiltImages is null
            ? ["containerd", "ctr", "containerd-shim-runc-v2", "umoci", "skopeo", "cc"]
            : ["containerd", "ctr", "containerd-shim-runc-v2"];
        if (CriEnv.SystemdCgroup && !File.Exists("/run/systemd/private"))
            throw new InvalidOperationException("OCI_CRI_SYSTEMD_CGROUP=1 needs systemd as PID 1 (/run/systemd/private is missing): run conformance/Cri/systemd-guest.sh");
        foreach (string tool in tools)
            if (Which(tool) is null)
                throw new InvalidOperationException($"{tool} not found (apt-get install the packages in conformance/clients/packages.txt and build-essential)");
        foreach (string h in CriEnv.HandlerNames)
        {
            string bin = CriEnv.Binary(h);
            if (!File.Exists(bin)) throw new InvalidOperationException($"handler {h}: runtime binary {bin} does not exist (run make, or set OCI_RUNTIME)");
            Directory.CreateDirectory(RuntimeRoot(h));
        }
        foreach (string d in new[] { "root", "state", "cni-bin", "cni-conf", "logs", "images" })
            Directory.CreateDirectory(Path.Combine(Dir, d));
        File.WriteAllText(Path.Combine(Dir, "config.toml"), Config());

        var sw = Stopwatch.StartNew();
        string imageDir = CriEnv.PrebuiltImages ?? Path.Combine(Dir, "images");
        if (CriEnv.PrebuiltImages is null)
            Run(Path.Combine(CriEnv.RepoRoot, "conformance", "Cri", "image", "build-images.sh"), imageDir);
        StartDaemon();
        foreach (string tar in new[] { "pause-oci.tar", "busybox-oci.tar" })
            Run("ctr", "--address", Socket, "--namespace", "k8s.io", "images", "import", "--all-platforms", Path.Combine(imageDir, tar));
        var images = Images.ListImages(new ListImagesRequest(), Deadline()).Images.SelectMany(i => i.RepoTags).ToList();
        foreach (string want in new[] { PauseImage, BusyboxImage })
            if (!images.Contains(want))
                throw new InvalidOperationException($"CRI does not list {want} after import (it lists: {string.Join(", ", images)})");
        var version = Runtime.Version(new VersionRequest(), Deadline());
        CriReport.Line($"containerd {version.RuntimeVersion} (CRI {version.RuntimeApiVersion}), handlers: " +
                       string.Join(", ", CriEnv.HandlerNames.Select(h => $"{h}={CriEnv.Binary(h)}")) +
                       (CriEnv.SystemdCgroup ? "; SystemdCgroup = true" : "") + $"; set up in {sw.Elapsed.TotalSeconds:F1} s");
    }

    string Config()
    {
        string runtimes = string.Concat(CriEnv.HandlerNames.Select(h => $"""

                [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.{h}]
                  runtime_type = "io.containerd.runc.v2"
                  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.{h}.options]
                    BinaryName = "{CriEnv.Binary(h)}"
                    Root = "{RuntimeRoot(h)}"{(CriEnv.SystemdCgroup ? "\n        SystemdCgroup = true" : "")}
            """));
        // stream_server_port 0: a free port per run; the Exec URL names it.
        return $"""
            version = 2
            root = "{Dir}/root"
            state = "{Dir}/state"
            disabled_plugins = [
              "io.containerd.snapshotter.v1.btrfs",
              "io.containerd.snapshotter.v1.zfs",
              "io.containerd.snapshotter.v1.devmapper",
              "io.containerd.snapshotter.v1.aufs",
              "io.containerd.tracing.processor.v1.otlp",
              "io.containerd.internal.v1.tracing",
            ]
            [grpc]
              address = "{Socket}"
            [ttrpc]
              address = "{Socket}.ttrpc"
            [debug]
              level = "info"
            [plugins."io.containerd.grpc.v1.cri"]
              sandbox_image = "{PauseImage}"
              restrict_oom_score_adj = true
              stream_server_address = "127.0.0.1"
              stream_server_port = "0"
              enable_selinux = false
              disable_apparmor = true
              [plugins."io.containerd.grpc.v1.cri".cni]
                bin_dir = "{Dir}/cni-bin"
                conf_dir = "{Dir}/cni-conf"
              [plugins."io.containerd.grpc.v1.cri".containerd]
                snapshotter = "overlayfs"
                default_runtime_name = "runc"{runtimes}
            """ + "\n";
    }

    void StartDaemon()
    {
        // bash closes every fd above 2 it inherited from the test host, then becomes containerd in
        // a session of its own (setsid execs in place: the pid is containerd's).
        var psi = new ProcessStartInfo("/bin/bash") { UseShellExecute = false };
        foreach (string a in new[]
                 {
                     "-c", "for fd in /proc/$$/fd/*; do n=${fd##*/}; [ \"$n\" -gt 2 ] && eval \"exec $n>&-\"; done 2>/dev/null; " +
                           "exec setsid containerd --config \"$1\" </dev/null >\"$2\" 2>&1",
                     "bash", Path.Combine(Dir, "config.toml"), DaemonLog,
                 })
            psi.ArgumentList.Add(a);
        psi.Environment.Clear();
        psi.Environment["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
        psi.Environment["HOME"] = "/root";
        psi.WorkingDirectory = Dir;
        _daemon = Process.Start(psi) ?? throw new InvalidOperationException("cannot start containerd");
        var deadline = DateTime.UtcNow.AddSeconds(30 * CriEnv.TimeScale);
        while (true)
        {
            if (_daemon.HasExited)
                throw new InvalidOperationException($"containerd exited with status {_daemon.ExitCode}: {Tail(DaemonLog)}");
            try
            {
                var s = Runtime.Status(new StatusRequest(), Deadline(2));
                if (s.Status.Conditions.Any(c => c.Type == "RuntimeReady" && c.Status)) return;
            }
            catch (RpcException) { }
            if (DateTime.UtcNow > deadline)
                throw new InvalidOperationException($"containerd's CRI did not become ready on {Socket} within {30 * CriEnv.TimeScale} s: {Tail(DaemonLog)}");
            Thread.Sleep(100);
        }
    }

    public static string Tail(string file, int chars = 1500)
    {
        try
        {
            string s = File.ReadAllText(file);
            return (s.Length > chars ? s[^chars..] : s).Replace('\n', ' ');
        }
        catch (IOException) { return "(no log)"; }
    }

    static string? Which(string name) =>
        "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".Split(':').Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);

    /// <summary>Runs a helper program (image build, ctr import); throws with its output if it fails.</summary>
    static string Run(string program, params string[] args)
    {
        var psi = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(120_000))
        {
            p.Kill(true);
            throw new InvalidOperationException($"{program} {string.Join(' ', args)}: timed out");
        }
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{program} {string.Join(' ', args)}: exit status {p.ExitCode}: {output} {err.Result}");
        return output;
    }

    public void Dispose()
    {
        try
        {
            if (_daemon is { HasExited: false })
            {
                try
                {
                    foreach (var pod in Runtime.ListPodSandbox(new ListPodSandboxRequest(), Deadline(10)).Items)
                    {
                        try
                        {
                            Runtime.StopPodSandbox(new StopPodSandboxRequest { PodSandboxId = pod.Id }, Deadline(20));
                            Runtime.RemovePodSandbox(new RemovePodSandboxRequest { PodSandboxId = pod.Id }, Deadline(20));
                        }
                        catch (RpcException) { }
                    }
                }
                catch (RpcException) { }
                Libc.kill(_daemon.Id, 15);
                if (!_daemon.WaitForExit(10_000)) _daemon.Kill();
                _daemon.WaitForExit();
            }
        }
        finally
        {
            // Shims outlive the daemon: theirs carry our socket path on their command line.
            HostState.KillProcessesMatching(Dir);
            if (CriEnv.SystemdCgroup) Systemd.Stop(CgroupTop); // its scopes and pod slices with it
            HostState.KillProcessesInCgroup(CgroupTop);
            bool unmounted = HostState.UnmountUnder(Dir);
            if (!_runContainerdExisted)
                foreach (string empty in new[] { "/run/containerd/s", "/run/containerd/fifo", "/run/containerd/runc", "/run/containerd" })
                    try { Directory.Delete(empty); } catch (IOException) { /* not empty or absent */ }
            HostState.RemoveCgroup(CgroupTop);
            _channel.Dispose();
            // Never a recursive delete through a mount that is still there.
            if (!CriEnv.Keep && unmounted)
            {
                try { Directory.Delete(Dir, recursive: true); }
                catch (Exception) { /* best effort: a leftover is reported by the next run's checks */ }
            }
        }
    }
}
