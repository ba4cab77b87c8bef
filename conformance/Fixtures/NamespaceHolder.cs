using System.Diagnostics;

namespace OciRuntime.Conformance;

/// <summary>
/// A host process sitting in fresh namespaces (util-linux `unshare ... sleep`), for tests that join
/// namespaces by path. Kill on Dispose.
/// </summary>
public sealed class NamespaceHolder : IDisposable
{
    readonly Process _unshare;

    /// <summary>The pid whose /proc/&lt;pid&gt;/ns/* are the new namespaces (the sleep).</summary>
    public int Pid { get; }

    NamespaceHolder(Process unshare, int pid) { _unshare = unshare; Pid = pid; }

    public string NsPath(string file) => $"/proc/{Pid}/ns/{file}";
    public string NsInode(string file) => Libc.ReadLink(NsPath(file));

    /// <summary>`unshare --fork --pid --net --uts --ipc --cgroup --mount sleep`: the forked sleep holds them all.</summary>
    public static NamespaceHolder AllButUser()
    {
        var p = Start("--fork", "--pid", "--net", "--uts", "--ipc", "--cgroup", "--mount", "--propagation", "private", "sleep", "600");
        int child = WaitFor(() =>
        {
            string children = File.ReadAllText($"/proc/{p.Id}/task/{p.Id}/children").Trim();
            return int.TryParse(children, out int c) && Libc.ReadLink($"/proc/{c}/ns/pid") != TestEnv.HostNs("pid") ? c : 0;
        }, p);
        return new NamespaceHolder(p, child);
    }

    /// <summary>`unshare --user sleep`, then uid/gid maps "0 hostId size" written from the host.</summary>
    public static NamespaceHolder User(uint hostId, uint size)
    {
        var p = Start("--user", "sleep", "600");
        WaitFor(() => Libc.ReadLink($"/proc/{p.Id}/ns/user") != TestEnv.HostNs("user") ? p.Id : 0, p);
        File.WriteAllText($"/proc/{p.Id}/uid_map", $"0 {hostId} {size}\n");
        File.WriteAllText($"/proc/{p.Id}/gid_map", $"0 {hostId} {size}\n");
        return new NamespaceHolder(p, p.Id);
    }

    static Process Start(params string[] args)
    {
        var psi = new ProcessStartInfo("unshare") { UseShellExecute = false, RedirectStandardInput = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        return Process.Start(psi) ?? throw new InvalidOperationException("cannot start unshare (util-linux)");
    }

    static int WaitFor(Func<int> probe, Process p)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            if (p.HasExited) throw new InvalidOperationException($"unshare exited with {p.ExitCode}");
            try { int r = probe(); if (r != 0) return r; } catch (IOException) { }
            Thread.Sleep(10);
        }
        p.Kill(entireProcessTree: true);
        throw new TimeoutException("unshare did not set up its namespaces within 10 s");
    }

    public void Dispose()
    {
        Libc.kill(Pid, 9);
        try { _unshare.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        _unshare.WaitForExit(5000);
        _unshare.Dispose();
    }
}
