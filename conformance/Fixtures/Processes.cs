using System.Text;

namespace OciRuntime.Conformance;

/// <summary>
/// Finds a test container's processes independently of the runtime's cgroup handling: the suite puts
/// OCI_CONFORMANCE_ID=&lt;id&gt; into process.env and into the environment of every runtime call, so the
/// runtime itself and the container's processes (after their exec) carry it in /proc/PID/environ.
/// oci-runtime's sealed init starts with an empty environment on purpose (the caller's must not reach
/// the container): it is found by its name and the container's cgroup instead.
/// </summary>
public static class Processes
{
    public const string MarkerName = "OCI_CONFORMANCE_ID";

    public static string Marker(string id) => $"{MarkerName}={id}";

    /// <summary>Live (non-zombie) processes whose initial environment holds the marker of id.</summary>
    public static HashSet<int> Marked(string id)
    {
        byte[] needle = Encoding.ASCII.GetBytes(Marker(id) + "\0");
        var found = new HashSet<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid) || pid == Environment.ProcessId) continue;
            try
            {
                byte[] env = File.ReadAllBytes(Path.Combine(dir, "environ"));
                if ((Contains(env, needle) || IsSealedInitOf(dir, id)) && Libc.ProcessAlive(pid)) found.Add(pid);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return found;
    }

    static bool IsSealedInitOf(string procDir, string id)
    {
        try
        {
            if (!File.ReadAllText(Path.Combine(procDir, "cmdline")).StartsWith("oci-runtime-init\0", StringComparison.Ordinal)) return false;
            return File.ReadAllText(Path.Combine(procDir, "cgroup")).Contains($"/{TestEnv.CgroupParent}/{id}", StringComparison.Ordinal);
        }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }

    static bool Contains(byte[] hay, byte[] needle)
    {
        // environ is NUL-separated: match at the start or right after a NUL.
        for (int i = 0; i + needle.Length <= hay.Length; i++)
            if ((i == 0 || hay[i - 1] == 0) && hay.AsSpan(i, needle.Length).SequenceEqual(needle))
                return true;
        return false;
    }
}
