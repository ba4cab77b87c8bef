using System.Runtime.InteropServices;

namespace OciRuntime.Conformance;

/// <summary>
/// What the suite runs against and where it works. Reads:
///   OCI_RUNTIME       absolute path of the runtime under test (default: &lt;repo&gt;/bin/oci-runtime)
///   OCI_STRESS_COUNT  containers in the stress test (default 30)
///   OCI_CONFORMANCE_KEEP=1  keep the temp dirs (rootfs, bundles, logs) for debugging
/// A missing runtime binary or a non-root user fails every test loudly (never a silent skip).
/// </summary>
public static class TestEnv
{
    /// <summary>Top-level cgroup name every test container lives under: /oci-conformance/&lt;id&gt;.</summary>
    public const string CgroupParent = "oci-conformance";

    static readonly Lazy<string> s_repoRoot = new(FindRepoRoot);
    static readonly Lazy<string> s_workDir = new(CreateWorkDir);

    public static string RepoRoot => s_repoRoot.Value;

    /// <summary>The runtime binary under test; throws (fails the test) if it is unusable.</summary>
    public static string Runtime
    {
        get
        {
            string? env = Environment.GetEnvironmentVariable("OCI_RUNTIME");
            string path = string.IsNullOrEmpty(env) ? Path.Combine(RepoRoot, "bin", "oci-runtime") : env;
            if (!Path.IsPathRooted(path))
                throw new InvalidOperationException($"OCI_RUNTIME must be an absolute path, got '{path}'");
            if (!File.Exists(path))
                throw new InvalidOperationException(
                    $"runtime under test '{path}' does not exist (build it with `make`, or set OCI_RUNTIME=/usr/sbin/runc)");
            return path;
        }
    }

    /// <summary>Basename of the runtime under test, e.g. "runc" or "oci-runtime".</summary>
    public static string RuntimeName => Path.GetFileName(Runtime);

    /// <summary>True when the oracle runc is under test (used only where runc 1.1.5 legitimately differs).</summary>
    public static bool IsRunc => RuntimeName.StartsWith("runc", StringComparison.Ordinal);

    /// <summary>Fails the calling test unless it runs as root.</summary>
    public static void RequireRoot()
    {
        if (Libc.geteuid() != 0)
            throw new InvalidOperationException("the conformance suite must run as root (it creates containers)");
    }

    public static bool Keep => Environment.GetEnvironmentVariable("OCI_CONFORMANCE_KEEP") == "1";

    /// <summary>Per-run scratch dir (mode 0755 so that user-namespaced container processes can traverse it).</summary>
    public static string WorkDir => s_workDir.Value;

    static int s_counter;

    /// <summary>A unique, runtime-valid container id: cf-&lt;tag&gt;-&lt;pid&gt;-&lt;n&gt;.</summary>
    public static string NewId(string tag)
    {
        var clean = new string(tag.ToLowerInvariant().Where(c => char.IsAsciiLetterOrDigit(c) || c == '-').ToArray());
        if (clean.Length > 24) clean = clean[..24];
        return $"cf-{clean}-{Environment.ProcessId}-{Interlocked.Increment(ref s_counter)}";
    }

    /// <summary>A new empty dir under the work dir, mode 0755.</summary>
    public static string NewDir(string name)
    {
        string dir = Path.Combine(WorkDir, name);
        Directory.CreateDirectory(dir);
        File.SetUnixFileMode(dir, (UnixFileMode)0b111_101_101);
        return dir;
    }

    public static string HostNs(string type) => Libc.ReadLink($"/proc/self/ns/{type}");

    static string CreateWorkDir()
    {
        RemoveStaleWorkDirs();
        string dir = Path.Combine(Path.GetTempPath(), $"oci-conformance-{Environment.ProcessId}-{Guid.NewGuid():N}"[..40]);
        Directory.CreateDirectory(dir);
        File.SetUnixFileMode(dir, (UnixFileMode)0b111_101_101);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            Cgroups.RemoveParentIfEmpty();
            if (!Keep)
                try { Directory.Delete(dir, recursive: true); } catch (Exception) { /* best effort */ }
        };
        return dir;
    }

    /// <summary>Work dirs of earlier runs whose test process is gone (e.g. the test host was killed).</summary>
    static void RemoveStaleWorkDirs()
    {
        foreach (var d in Directory.GetDirectories(Path.GetTempPath(), "oci-conformance-*"))
        {
            var parts = Path.GetFileName(d).Split('-');
            if (parts.Length < 3 || !int.TryParse(parts[2], out int pid) || Directory.Exists($"/proc/{pid}")) continue;
            try { Directory.Delete(d, recursive: true); } catch (Exception) { /* best effort */ }
        }
    }

    static string FindRepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d != null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "oci-runtime.sln")))
                return d.FullName;
        throw new InvalidOperationException("cannot find the repository root (oci-runtime.sln) above " + AppContext.BaseDirectory);
    }

    public static bool IsLinux => RuntimeInformation.IsOSPlatform(OSPlatform.Linux);
}
