namespace OciRuntime.Conformance;

/// <summary>../shared beside the repo (in CI too), or $OCI_SHARED_DIR: the spec, schemas and client test data.</summary>
public static class SharedData
{
    public static string Dir
    {
        get
        {
            if (Environment.GetEnvironmentVariable("OCI_SHARED_DIR") is { Length: > 0 } d) return d;
            string beside = Path.GetFullPath(Path.Combine(TestEnv.RepoRoot, "..", "shared"));
            return Directory.Exists(beside) ? beside : "/work/shared";
        }
    }
}
