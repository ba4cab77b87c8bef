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

    public RuntimeCli(string root, string? logFile = null)
    {
        Runtime = TestEnv.Runtime;
        Root = root;
        LogFile = logFile;
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

    public CliResult Exec(IEnumerable<string> args, RunOptions options) =>
        ProcessRunner.Run(Runtime, GlobalArgs().Concat(args), options);

    /// <summary>A runtime call without global flags (spec, features, --version).</summary>
    public static CliResult Bare(params string[] args) => ProcessRunner.Run(TestEnv.Runtime, args);
}
