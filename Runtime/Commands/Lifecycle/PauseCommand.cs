using System.Collections.Generic;
using OciRuntime.Cgroups;
using OciRuntime.Cli;
using OciRuntime.State;

namespace OciRuntime.Commands;

/// <summary>`pause ID`: freezes the container's cgroup (cgroup.freeze) and waits until it is frozen.</summary>
public sealed class PauseCommand : ICommand
{
    public string Name => "pause";
    public string Usage => "pause <container-id>";
    public string Summary => "freeze every process of a container";
    public IReadOnlyList<OptionSpec> Options { get; } = System.Array.Empty<OptionSpec>();

    // runc: only a created or running container can be paused; anything else (stopped, already
    // paused) is "container not running".
    public int Run(GlobalOptions global, ParsedArgs args)
    {
        ContainerCgroup.ChangeFreezer(new StateStore(global.Root), CommandArgs.RequireId(args, Name),
            s => s is ContainerStatus.Running or ContainerStatus.Created, "container not running", CgroupFreezer.Freeze);
        return 0;
    }
}
