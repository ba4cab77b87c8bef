using System.Text.Json.Nodes;

namespace OciRuntime.Conformance;

/// <summary>
/// One test container: a unique id, its own --root dir, bundle, cgroup /oci-conformance/&lt;id&gt; and
/// scratch dir. Wraps the lifecycle calls and always cleans up in Dispose (delete --force, kill anything
/// left in its cgroup, remove the cgroup dirs and the scratch dir).
/// </summary>
public sealed class Container : IDisposable
{
    public string Id { get; }
    public string Dir { get; }
    public string RootDir { get; }
    public Bundle Bundle { get; }
    public RuntimeCli Cli { get; }
    public string? LogFile => Cli.LogFile;

    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(20);

    /// <param name="runtime">Another runtime binary than OCI_RUNTIME (the security suite's weak build).</param>
    public Container(string tag, bool withLog = false, string? runtime = null)
    {
        TestEnv.RequireRoot();
        Id = TestEnv.NewId(tag);
        Dir = TestEnv.NewDir(Path.Combine("tests", Id));
        RootDir = Path.Combine(Dir, "root");
        Directory.CreateDirectory(RootDir);
        try
        {
            Cli = new RuntimeCli(RootDir, withLog ? Path.Combine(Dir, "log.json") : null, Id, runtime);
            Bundle = new Bundle(Path.Combine(Dir, "bundle"), Id);
        }
        catch
        {
            if (!TestEnv.Keep)
                try { Directory.Delete(Dir, recursive: true); } catch (Exception) { /* best effort */ }
            throw;
        }
    }

    /// <summary>Edits config.json (saved before every create/run).</summary>
    public Container Configure(Action<Bundle> edit)
    {
        edit(Bundle);
        Bundle.Save();
        return this;
    }

    /// <summary>`run --bundle B ID`: the container's stdio are our pipes; returns its exit status.</summary>
    public CliResult Run(RunOptions? options = null, params string[] extra)
    {
        Bundle.Save();
        return Cli.Exec(["run", "--bundle", Bundle.Dir, .. extra, Id], options ?? RunOptions.Default);
    }

    /// <summary>`create --bundle B [extra] ID`; the container keeps the returned result's stdout/stderr pipes.</summary>
    public CliResult Create(RunOptions? options = null, params string[] extra)
    {
        Bundle.Save();
        var o = (options ?? RunOptions.Default) with { DetachedStdio = true };
        return Cli.Exec(["create", "--bundle", Bundle.Dir, .. extra, Id], o);
    }

    public CliResult Start() => Cli.Exec("start", Id);
    public CliResult State() => Cli.Exec("state", Id);
    public CliResult Kill(string signal, bool all = false) =>
        all ? Cli.Exec("kill", "--all", Id, signal) : Cli.Exec("kill", Id, signal);
    public CliResult Delete(bool force = false) => force ? Cli.Exec("delete", "--force", Id) : Cli.Exec("delete", Id);

    public JsonObject StateJson()
    {
        var r = State().ShouldSucceed();
        try { return JsonNode.Parse(r.Stdout)!.AsObject(); }
        catch (System.Text.Json.JsonException e) { throw new Xunit.Sdk.XunitException($"state printed invalid JSON ({e.Message}):\n{r.Describe()}"); }
    }

    public string Status() => (string?)StateJson()["status"] ?? throw new Xunit.Sdk.XunitException("state JSON has no status");

    public int Pid() => (int?)StateJson()["pid"] ?? throw new Xunit.Sdk.XunitException("state JSON has no pid");

    /// <summary>Polls `state` until the status is reached; fails after the timeout.</summary>
    public void WaitForStatus(string status, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultWait);
        string last = "";
        while (DateTime.UtcNow < deadline)
        {
            last = Status();
            if (last == status) return;
            Thread.Sleep(20);
        }
        throw new Xunit.Sdk.XunitException($"container {Id} did not reach status '{status}' in time (last: '{last}')");
    }

    /// <summary>create, start, wait until stopped; returns the create result holding the container's output.</summary>
    public CliResult CreateStartWait(RunOptions? options = null, TimeSpan? timeout = null)
    {
        var created = Create(options).ShouldSucceed();
        Start().ShouldSucceed();
        WaitForStatus("stopped", timeout);
        created.WaitForOutput(timeout);
        return created;
    }

    public void Dispose()
    {
        try { Cli.Exec("delete", "--force", Id); }
        catch (Exception e) { Console.Error.WriteLine($"cleanup of {Id}: delete --force: {e.Message}"); }
        // Anything still in the container's cgroup or carrying its marker is ours: kill it so the
        // cgroup can go and nothing outlives the test (a broken runtime must not leak processes).
        for (int i = 0; i < 20; i++)
        {
            var left = Cgroups.Procs(Id);
            left.UnionWith(Processes.Marked(Id));
            left.Remove(Environment.ProcessId);
            if (left.Count == 0) break;
            if (i == 0) Console.Error.WriteLine($"cleanup of {Id}: killing leftover processes {string.Join(",", left)}");
            foreach (var pid in left) Libc.kill(pid, 9);
            Thread.Sleep(50);
        }
        Cgroups.Remove(Id);
        if (!TestEnv.Keep)
            try { Directory.Delete(Dir, recursive: true); } catch (Exception) { /* best effort */ }
    }
}
