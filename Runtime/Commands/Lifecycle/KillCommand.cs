using System.Collections.Generic;
using OciRuntime.Cli;
using OciRuntime.Container;
using OciRuntime.State;

namespace OciRuntime.Commands;

/// <summary>`kill [--all] ID [SIGNAL]` (SIGTERM by default).</summary>
public sealed class KillCommand : ICommand
{
    public string Name => "kill";
    public string Usage => "kill [command options] <container-id> [signal]";
    public string Summary => "signal the container's init (SIGTERM unless a signal is named)";
    public IReadOnlyList<OptionSpec> Options { get; } = new[] { OptionSpec.Flag("all", "a") };

    public int Run(GlobalOptions global, ParsedArgs args)
    {
        string id = CommandArgs.RequireId(args, Name, max: 2);
        int signal = SignalNames.Parse(args.Positionals.Count > 1 ? args.Positionals[1] : "SIGTERM");
        ContainerKiller.Kill(new StateStore(global.Root), id, signal, args.Has("all"));
        return 0;
    }
}
