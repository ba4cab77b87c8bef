using System.Collections.Generic;
using OciRuntime.Cli;
using OciRuntime.Container;
using OciRuntime.State;

namespace OciRuntime.Commands;

/// <summary>`delete [--force] ID`.</summary>
public sealed class DeleteCommand : ICommand
{
    public string Name => "delete";
    public string Usage => "delete [command options] <container-id>";
    public string Summary => "remove a stopped container and what the runtime made for it";
    public IReadOnlyList<OptionSpec> Options { get; } = new[] { OptionSpec.Flag("force", "f") };

    public int Run(GlobalOptions global, ParsedArgs args)
    {
        ContainerDeleter.Delete(new StateStore(global.Root), CommandArgs.RequireId(args, Name), args.Has("force"));
        return 0;
    }
}
