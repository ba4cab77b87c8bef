using System.Text.Json.Nodes;

namespace OciRuntime.Conformance.Rootless;

/// <summary>
/// A real unprivileged user made for the rootless tests and removed after them: useradd, 65536
/// subordinate uids and gids (usermod --add-subuids/--add-subgids, which newuidmap/newgidmap
/// check), its own XDG_RUNTIME_DIR. Commands run as that user through setpriv with a clean
/// environment. The runtime under test must be readable and executable by the user: when a
/// directory on its path is not, it is copied to a world-readable temp dir first.
/// </summary>
public sealed class RootlessUser : IDisposable
{
    public string Name { get; }
    public uint Uid { get; }
    public uint Gid { get; }
    public uint SubStart { get; }
    public const uint SubCount = 65536;
    public string Home { get; }
    public string XdgRuntimeDir { get; }
    /// <summary>The runtime under test, at a path the user can execute.</summary>
    public string Runtime { get; }
    /// <summary>Where the user's bundles go (owned by the user).</summary>
    public string WorkDir { get; }

    public RootlessUser()
    {
        TestEnv.RequireRoot();
        Name = $"ocirl{Environment.ProcessId % 100000}";
        // A subordinate range of our own, far from the usual 100000 and from other runs.
        SubStart = 1_000_000u + (uint)(Environment.ProcessId % 4000) * SubCount;
        Remove(Name);   // a user left by a killed run
        ProcessRunner.Run("useradd", ["--create-home", "--shell", "/bin/sh", "--user-group", Name]).ShouldSucceed();
        ProcessRunner.Run("usermod", ["--add-subuids", $"{SubStart}-{SubStart + SubCount - 1}", "--add-subgids", $"{SubStart}-{SubStart + SubCount - 1}", Name]).ShouldSucceed();
        Uid = uint.Parse(ProcessRunner.Run("id", ["-u", Name]).ShouldSucceed().Stdout.Trim());
        Gid = uint.Parse(ProcessRunner.Run("id", ["-g", Name]).ShouldSucceed().Stdout.Trim());
        Home = $"/home/{Name}";
        XdgRuntimeDir = OwnedDir(TestEnv.NewDir($"xdg-{Name}"), 0b111_000_000);
        WorkDir = OwnedDir(TestEnv.NewDir($"work-{Name}"), 0b111_101_101);
        Runtime = ExecutableByOthers(TestEnv.Runtime) ? TestEnv.Runtime : CopyForUser(TestEnv.Runtime);
    }

    string OwnedDir(string dir, int mode)
    {
        ProcessRunner.Run("chown", [$"{Uid}:{Gid}", dir]).ShouldSucceed();
        File.SetUnixFileMode(dir, (UnixFileMode)mode);
        return dir;
    }

    static bool ExecutableByOthers(string path)
    {
        if ((File.GetUnixFileMode(path) & (UnixFileMode.OtherRead | UnixFileMode.OtherExecute)) != (UnixFileMode.OtherRead | UnixFileMode.OtherExecute)) return false;
        for (string? d = Path.GetDirectoryName(path); !string.IsNullOrEmpty(d); d = Path.GetDirectoryName(d))
            if ((File.GetUnixFileMode(d) & UnixFileMode.OtherExecute) == 0) return false;
        return true;
    }

    static string CopyForUser(string runtime)
    {
        string copy = Path.Combine(TestEnv.NewDir("rootless-bin"), Path.GetFileName(runtime));
        File.Copy(runtime, copy, overwrite: true);
        File.SetUnixFileMode(copy, (UnixFileMode)0b111_101_101);
        return copy;
    }

    /// <summary>The runtime as this user: `RUNTIME [global...] args...`, cwd <paramref name="cwd"/>.</summary>
    public CliResult Exec(IEnumerable<string> args, string? cwd = null, IReadOnlyDictionary<string, string>? env = null, TimeSpan? timeout = null, bool detachedStdio = false) =>
        AsUser([Runtime, .. args], cwd, env, timeout, detachedStdio);

    /// <summary>Any program as this user, with a clean environment (HOME, USER, PATH, XDG_RUNTIME_DIR).</summary>
    public CliResult AsUser(IEnumerable<string> command, string? cwd = null, IReadOnlyDictionary<string, string>? env = null, TimeSpan? timeout = null, bool detachedStdio = false)
    {
        var argv = new List<string> { "--reuid", Uid.ToString(), "--regid", Gid.ToString(), "--clear-groups", "--", "/usr/bin/env", "-i",
            $"HOME={Home}", $"USER={Name}", $"LOGNAME={Name}", "PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin", $"XDG_RUNTIME_DIR={XdgRuntimeDir}" };
        if (env is not null) foreach (var (k, v) in env) argv.Add($"{k}={v}");
        argv.AddRange(command);
        return ProcessRunner.Run("/usr/bin/setpriv", argv, new RunOptions { WorkingDirectory = cwd ?? WorkDir, Timeout = timeout ?? TimeSpan.FromSeconds(30), DetachedStdio = detachedStdio });
    }

    /// <summary>
    /// A bundle made the way a user makes one: `spec --rootless` run as the user, then the shared
    /// busybox rootfs, no terminal, the given command. No linux.cgroupsPath, as `spec --rootless`
    /// writes it: the user can create no cgroup on this host, and both runtimes then run without
    /// one (runc's mkdir under the caller's cgroups fails with EACCES: nothing is touched).
    /// </summary>
    public (string Dir, JsonObject Config) NewBundle(string id, params string[] args)
    {
        string dir = Path.Combine(WorkDir, id);
        AsUser(["/bin/mkdir", "-p", dir]).ShouldSucceed();
        Exec(["spec", "--rootless", "--bundle", dir]).ShouldSucceed();
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "config.json")))!.AsObject();
        config["root"] = new JsonObject { ["path"] = BusyboxRootfs.Path, ["readonly"] = true };
        config["process"]!["terminal"] = false;
        config["process"]!["args"] = new JsonArray(args.Select(a => (JsonNode?)JsonValue.Create(a)).ToArray());
        return (dir, config);
    }

    public static void Save(string dir, JsonObject config)
    {
        string path = Path.Combine(dir, "config.json");
        File.WriteAllText(path, config.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        File.SetUnixFileMode(path, (UnixFileMode)0b110_100_100);
    }

    /// <summary>pids of every process running as this user (so nothing of the test outlives it).</summary>
    public List<int> Processes()
    {
        var pids = new List<int>();
        foreach (string d in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(d), out int pid)) continue;
            try
            {
                foreach (string line in File.ReadLines(Path.Combine(d, "status")))
                    if (line.StartsWith("Uid:", StringComparison.Ordinal))
                    {
                        var f = line.Split('\t', StringSplitOptions.RemoveEmptyEntries);
                        if (f.Length > 1 && f[1] == Uid.ToString()) pids.Add(pid);
                        break;
                    }
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return pids;
    }

    public void Dispose()
    {
        for (int i = 0; i < 20; i++)
        {
            var left = Processes();
            if (left.Count == 0) break;
            foreach (int pid in left) Libc.kill(pid, 9);
            Thread.Sleep(50);
        }
        Remove(Name);
    }

    static void Remove(string name)
    {
        if (ProcessRunner.Run("id", ["-u", name]).ExitCode != 0) return;
        // userdel also drops the user's /etc/subuid and /etc/subgid lines.
        ProcessRunner.Run("userdel", ["--remove", name]);
    }
}
