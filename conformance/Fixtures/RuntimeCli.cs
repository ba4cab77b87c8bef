namespace OciRuntime.Conformance;

/// <summary>
/// Runs `$OCI_RUNTIME --root &lt;root&gt; [--log F --log-format json] &lt;subcommand...&gt;`, with a timeout
/// (the runtime is killed and the test fails after 20 s by default), capturing stdout, stderr and the exit code.
/// </summary>
public sealed class RuntimeCli
{
    public string Runtime { get; }
    public string Root { get; }
    public string? LogFile { get; }

    /// <summary>If set, every runtime call gets OCI_CONFORMANCE_ID=&lt;id&gt; in its environment (see Processes).</summary>
    public string? MarkerId { get; }

    /// <param name="runtime">Another runtime binary than OCI_RUNTIME (the security suite's weak build).</param>
    public RuntimeCli(string root, string? logFile = null, string? markerId = null, string? runtime = null)
    {
        Runtime = runtime ?? TestEnv.Runtime;
        Root = root;
        LogFile = logFile;
        MarkerId = markerId;
    }

    public IEnumerable<string> GlobalArgs()
    {
        yield return "--root";
        yield return Root;
        if (LogFile != null)
        {
            yield return "--log";
            yield return LogFile;
            yield return "--log-format";
            yield return "json";
        }
    }

    public CliResult Exec(params string[] args) => Exec(args, RunOptions.Default);

    public CliResult Exec(IEnumerable<string> args, RunOptions options)
    {
        if (MarkerId != null)
        {
            var env = new Dictionary<string, string>(options.Env ?? new Dictionary<string, string>())
            {
                [Processes.MarkerName] = MarkerId,
            };
            options = options with { Env = env };
        }
        return ProcessRunner.Run(Runtime, GlobalArgs().Concat(args), options);
    }

    /// <summary>A runtime call without global flags (spec, features, --version).</summary>
    public static CliResult Bare(params string[] args) => ProcessRunner.Run(TestEnv.Runtime, args);
}
