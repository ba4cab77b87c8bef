namespace OciRuntime.Cri;

/// <summary>
/// What the CRI suite runs against. Reads:
///   OCI_RUNTIME        the `oci-runtime` handler's binary (default &lt;repo&gt;/bin/oci-runtime)
///   OCI_CRI_RUNC       the `runc` handler's binary (default: runc from PATH, /usr/sbin/runc)
///   OCI_CRI_PODS       pods in the timed loop (default 20)
///   OCI_CRI_REPORT     where the times and recorded values go (default &lt;repo&gt;/build/cri-report.txt)
///   OCI_CRI_KEEP=1     keep the temp dir (config, containerd.log, pod logs) for debugging
///   OCI_CRI_SYSTEMD_CGROUP=1  containerd's runc-v2 `SystemdCgroup = true` for both handlers (the
///                      shim calls the runtime with --systemd-cgroup) and kubelet's systemd-driver
///                      pod slices as cgroup_parent; needs systemd as PID 1 (the systemd guest)
///   OCI_CRI_TIME_SCALE every deadline and wait multiplied by this (default 1; the TCG guest uses more)
///   OCI_CRI_IMAGES     a directory already holding build-images.sh's two archives: import them
///                      instead of building (the guest cannot run cc/umoci/skopeo cheaply)
/// </summary>
public static class CriEnv
{
    /// <summary>The runtime handlers every test runs with: kubelet's RuntimeClass handler names.</summary>
    public static readonly string[] HandlerNames = ["runc", "oci-runtime"];

    public static TheoryData<string> Handlers => new(HandlerNames);

    public static readonly string RepoRoot = FindRepoRoot();

    public static string Binary(string handler) => handler switch
    {
        "runc" => Env("OCI_CRI_RUNC") ?? Which("runc") ?? "/usr/sbin/runc",
        "oci-runtime" => Env("OCI_RUNTIME") ?? Path.Combine(RepoRoot, "bin", "oci-runtime"),
        _ => throw new ArgumentException($"unknown handler {handler}"),
    };

    public static int PodLoopCount => int.TryParse(Env("OCI_CRI_PODS"), out int n) && n > 0 ? n : 20;

    public static string ReportFile => Env("OCI_CRI_REPORT") ?? Path.Combine(RepoRoot, "build", "cri-report.txt");

    public static bool Keep => Env("OCI_CRI_KEEP") == "1";

    public static bool SystemdCgroup => Env("OCI_CRI_SYSTEMD_CGROUP") == "1";

    public static string? PrebuiltImages => Env("OCI_CRI_IMAGES");

    public static int TimeScale => int.TryParse(Env("OCI_CRI_TIME_SCALE"), out int n) && n > 0 ? n : 1;

    static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : null;

    static string? Which(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/sbin:/usr/bin:/sbin:/bin").Split(':')
            .Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);

    static string FindRepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "oci-runtime.sln"))) return d.FullName;
        throw new InvalidOperationException($"repository root (oci-runtime.sln) not found above {AppContext.BaseDirectory}");
    }
}
