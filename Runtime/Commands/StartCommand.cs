using System.Collections.Generic;
using OciRuntime.Cli;
using OciRuntime.Container;
using OciRuntime.State;

namespace OciRuntime.Commands;

/// <summary>`start ID`: run the user process of a created container.</summary>
public sealed class StartCommand : ICommand
{
    public string Name => "start";
    public string Usage => "start <container-id>";
    public string Summary => "run the configured process of a created container";
    public IReadOnlyList<OptionSpec> Options { get; } = System.Array.Empty<OptionSpec>();

    public int Run(GlobalOptions global, ParsedArgs args)
    {
        ContainerStarter.Start(new StateStore(global.Root), CommandArgs.RequireId(args, Name));
        return 0;
    }
}
