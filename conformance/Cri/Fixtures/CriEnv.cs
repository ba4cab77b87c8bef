namespace OciRuntime.Cri;

/// <summary>
/// What the CRI suite runs against. Reads:
///   OCI_RUNTIME        the `oci-runtime` handler's binary (default &lt;repo&gt;/bin/oci-runtime)
///   OCI_CRI_RUNC       the `runc` handler's binary (default: runc from PATH, /usr/sbin/runc)
///   OCI_CRI_PODS       pods in the timed loop (default 20)
///   OCI_CRI_REPORT     where the times and recorded values go (default &lt;repo&gt;/build/cri-report.txt)
///   OCI_CRI_KEEP=1     keep the temp dir (config, containerd.log, pod logs) for debugging
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
