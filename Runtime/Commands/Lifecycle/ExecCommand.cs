using System.Collections.Generic;
using System.Globalization;
using System.IO;
using OciRuntime.Cli;
using OciRuntime.Container;
using OciRuntime.Errors;
using OciRuntime.Spec.Config;
using OciRuntime.Spec.Loading;
using OciRuntime.Spec.Validation;
using OciRuntime.State;

namespace OciRuntime.Commands;

/// <summary>
/// `exec [options] ID [COMMAND [ARGS...]]` or `exec --process FILE ID`: runc's flags. Without
/// --process, the container's own process object is the base (env, user, capabilities, rlimits)
/// and the flags override or add to it, as runc does.
/// </summary>
public sealed class ExecCommand : ICommand
{
    public string Name => "exec";
    public string Usage => "exec [command options] <container-id> <command> [command options]  ||  -p process.json <container-id>";
    public string Summary => "start another process inside a running container";
    public IReadOnlyList<OptionSpec> Options { get; } = new[]
    {
        OptionSpec.Value("console-socket"), OptionSpec.Value("cwd"), OptionSpec.Value("env", "e"),
        OptionSpec.Flag("tty", "t"), OptionSpec.Value("user", "u"), OptionSpec.Value("additional-gids", "g"),
        OptionSpec.Value("process", "p"), OptionSpec.Flag("detach", "d"), OptionSpec.Value("pid-file"),
        OptionSpec.Value("process-label"), OptionSpec.Value("apparmor"), OptionSpec.Flag("no-new-privs"),
        OptionSpec.Value("cap", "c"), OptionSpec.Value("preserve-fds"), OptionSpec.Value("cgroup"),
        OptionSpec.Flag("ignore-paused"),
    };

    public int Run(GlobalOptions global, ParsedArgs args)
    {
        if (args.Positionals.Count < 1) throw new UsageException("\"exec\" requires a minimum of 1 argument");
        string id = ContainerId.Check(args.Positionals[0]);
        var store = new StateStore(global.Root);
        ContainerRecord record;
        try { record = store.Load(id); }
        catch (RuntimeException e) { throw new RuntimeException(e.Message, e, ContainerExecutor.FailureExitCode); } // runc: 255, "container does not exist"
        OciConfig config = ContainerExecutor.LoadConfig(record);
        ProcessSpec process = args.Value("process") is { } file ? FromFile(file) : FromFlags(config.Process ?? new ProcessSpec(), args);
        var opts = new ExecOptions
        {
            ConsoleSocket = args.Value("console-socket"),
            PidFile = args.Value("pid-file"),
            Detach = args.Has("detach"),
            IgnorePaused = args.Has("ignore-paused"),
            PreserveFds = args.IntValue("preserve-fds", 0),
            Cgroups = args.Values("cgroup"),
        };
        return ContainerExecutor.Exec(store, record, config, process, opts);
    }

    private static ProcessSpec FromFile(string file)
    {
        ProcessSpec p = ProcessLoader.Load(file);
        var errors = ConfigValidator.ValidateProcess(p, Path.GetFileName(file));
        if (errors.Count > 0) throw new SpecException(errors);
        return p;
    }

    private static ProcessSpec FromFlags(ProcessSpec baseProcess, ParsedArgs a)
    {
        if (a.Positionals.Count < 2) throw new UsageException("\"exec\" requires a command (or --process)");
        var p = new ProcessSpec
        {
            Args = a.Positionals.GetRange(1, a.Positionals.Count - 1),
            Env = new List<string>(baseProcess.Env ?? new List<string>()),
            Cwd = a.Value("cwd") ?? baseProcess.Cwd,
            Terminal = a.Has("tty"),
            User = baseProcess.User,
            Capabilities = baseProcess.Capabilities ?? new LinuxCapabilities(),
            Rlimits = baseProcess.Rlimits,
            NoNewPrivileges = baseProcess.NoNewPrivileges == true || a.Has("no-new-privs"),
            ApparmorProfile = a.Value("apparmor") ?? baseProcess.ApparmorProfile,
            SelinuxLabel = a.Value("process-label") ?? baseProcess.SelinuxLabel,
            Scheduler = baseProcess.Scheduler,
            IoPriority = baseProcess.IoPriority,
            ExecCpuAffinity = baseProcess.ExecCpuAffinity,
        };
        foreach (string e in a.Values("env")) p.Env.Add(e);
        if (a.Value("user") is { } user) p.User = ParseUser(user, baseProcess.User);
        if (a.Values("additional-gids") is { Count: > 0 } gids)
        {
            p.User.AdditionalGids = new List<uint>();
            foreach (string g in gids) p.User.AdditionalGids.Add(ParseId(g, "--additional-gids"));
        }
        foreach (string cap in a.Values("cap"))
        {
            string name = cap.StartsWith("CAP_", System.StringComparison.Ordinal) ? cap : "CAP_" + cap.ToUpperInvariant();
            foreach (var set in new[] { p.Capabilities.Bounding ??= new(), p.Capabilities.Effective ??= new(), p.Capabilities.Permitted ??= new() })
                if (!set.Contains(name)) set.Add(name);
        }
        return p;
    }

    private static UserSpec ParseUser(string s, UserSpec baseUser)
    {
        string[] parts = s.Split(':');
        return new UserSpec
        {
            Uid = ParseId(parts[0], "--user"),
            Gid = parts.Length > 1 ? ParseId(parts[1], "--user") : 0,
            Umask = baseUser.Umask,
        };
    }

    /// <summary>The same bound config.json's process.user gets (ProcessRules): (uid_t)-1 would keep root.</summary>
    private const uint MaxId = int.MaxValue;

    private static uint ParseId(string s, string flag)
    {
        if (!uint.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out uint v))
            throw new UsageException($"invalid value \"{s}\" for {flag}: expected a numeric id");
#if !OCI_WEAKEN_ID_RANGE
        if (v > MaxId)
            throw new UsageException($"invalid value \"{s}\" for {flag}: ids must be between 0 and {MaxId}");
#endif
        return v;
    }
}
