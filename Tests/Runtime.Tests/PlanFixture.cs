using System.Runtime.CompilerServices;
using OciRuntime.Container;
using OciRuntime.Native.Plan;
using OciRuntime.Rootfs;
using OciRuntime.Seccomp;
using OciRuntime.Spec.Config;
using OciRuntime.Spec.Loading;

namespace OciRuntime.Tests;

/// <summary>
/// Composes init plans without root and without touching the host: a made-up host (both LSMs,
/// /proc/kcore, no rlimit ceiling), fixed fd numbers (1000+, so an fd is never mistaken for
/// another immediate), a bundle at /run/bundle, and bind sources that are directories unless
/// their name says file.
/// </summary>
internal static class PlanFixture
{
    public const int SyncFd = 1001, FifoFd = 1002, ConsoleFd = 1003, MaskNullFd = 1004, BindSourceFd = 1005, FirstJoinFd = 1010, FirstIdmapFd = 1020;
    public const string Bundle = "/run/bundle";

    /// <summary>This test project's source folder, or the output folder's copies when the build mapped source paths away.</summary>
    public static string SourceDir([CallerFilePath] string file = "")
    {
        string? dir = Path.GetDirectoryName(file);
        return dir is not null && Directory.Exists(Path.Combine(dir, "testdata")) ? dir : AppContext.BaseDirectory;
    }
    public static string TestData(string name) => Path.Combine(SourceDir(), "testdata", name);

    public static HostFacts Host { get; } = new()
    {
        Uid = 0,
        InUserNamespace = false,
        CapLastCap = 40,
        AppArmor = true,
        Selinux = true,
        HasKcore = true,
        ResctrlMounted = () => true,
        OwnHardLimit = _ => null,
        IsDirectory = p => Path.GetFileName(p) is not ("hosts" or "hostname" or "resolv.conf" or ".containerenv" or "file"),
        IsProcfs = p => p.StartsWith("/proc", StringComparison.Ordinal),
        MountinfoPath = TestData("mountinfo"),
    };

    public static OciConfig Load(string name) => ConfigLoader.Parse(File.ReadAllText(TestData(name)));

    public sealed record Options(bool NoPivot = false, int PreserveFds = 0, bool NoNewKeyring = false);

    public static ProcessPlan Compose(OciConfig c, Options? o = null)
    {
        o ??= new Options();
        string root = c.Root?.Path ?? "rootfs";
        var loaded = new LoadedConfig(c, Bundle, Bundle + "/config.json", root.StartsWith('/') ? root : Bundle + "/" + root);
        var req = new InitRequest
        {
            Id = "golden",
            Config = loaded,
            ChildSyncFd = SyncFd,
            ExecFifoFd = FifoFd,
            ConsoleSocketFd = c.Process?.Terminal == true ? ConsoleFd : -1,
            StateRoot = "/run/oci-runtime",
            PreserveFds = o.PreserveFds,
            NoPivot = o.NoPivot,
            NoNewKeyring = o.NoNewKeyring,
        };
        NamespacePlanner ns = InitPlanBuilder.Prepare(c, out _);
        var joins = new List<(string Type, int Fd)>();
        foreach (string type in NamespaceKinds.JoinOrder)
            foreach (var (t, _) in ns.Joins)
                if (t == type) joins.Add((t, FirstJoinFd + joins.Count));
        var idmaps = new Dictionary<int, int>();
        for (int i = 0; i < (c.Mounts?.Count ?? 0); i++)
            if (c.Mounts![i].UidMappings is { Count: > 0 } || c.Mounts[i].GidMappings is { Count: > 0 }) idmaps[i] = FirstIdmapFd + idmaps.Count;
        int mask = c.Linux?.MaskedPaths is { Count: > 0 } ? MaskNullFd : -1;
        SeccompProgram? filter = c.Linux?.Seccomp is { } s ? SeccompCompiler.Compile(s) : null;
        // As InitPlanBuilder.Build decides: bind sources arrive as fds in a user namespace with its own
        // mount namespace, and a cgroup mount gets the host's cgroup2 directory as its fallback.
        bool userNs = ns.NewUserNamespace || ns.Joins.Exists(j => j.Type == "user");
        bool ownMountNs = ns.NewMountNamespace || ns.Joins.Exists(j => j.Type == "mount");
        int sources = userNs && ownMountNs && BindSources.Of(c.Mounts, Bundle).Count > 0 ? BindSourceFd : -1;
        string? cgroupFallback = MountPlanner.HasCgroupMount(c.Mounts) ? "/sys/fs/cgroup" : null;
        ProcessPlan plan = InitPlanBuilder.Compose(req, ns, Host, new InitPlanBuilder.ParentFds(joins, idmaps, mask, sources), filter, cgroupFallback);
        foreach (var (_, fd) in joins) plan.HandOver(fd);
        foreach (int fd in idmaps.Values) plan.HandOver(fd);
        if (mask >= 0) plan.HandOver(mask);
        if (sources >= 0) plan.HandOver(sources);
        return plan;
    }

    /// <summary>`exec` of the config's process into a container whose init has namespaces other than ours.</summary>
    public static ProcessPlan ComposeExec(OciConfig c, params string[] joinTypes)
    {
        var joins = joinTypes.Select((t, i) => (t, FirstJoinFd + i)).ToList();
        SeccompProgram? filter = c.Linux?.Seccomp is { } s ? SeccompCompiler.Compile(s) : null;
        ProcessPlan plan = ExecPlanBuilder.Compose(c.Process!, c.Linux?.Personality, Host, joins, filter, SyncFd, c.Process!.Terminal == true ? ConsoleFd : -1, 0);
        foreach (var (_, fd) in joins) plan.HandOver(fd);
        return plan;
    }
}
