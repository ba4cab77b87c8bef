using System.Collections.Generic;
using OciRuntime.Cgroups;
using OciRuntime.Cli;
using OciRuntime.Errors;
using OciRuntime.State;

namespace OciRuntime.Commands;

/// <summary>`pause ID`: freezes the container's cgroup (cgroup.freeze) and waits until it is frozen.</summary>
public sealed class PauseCommand : ICommand
{
    public string Name => "pause";
    public string Usage => "pause <container-id>";
    public string Summary => "pause suspends all processes inside the container";
    public IReadOnlyList<OptionSpec> Options { get; } = System.Array.Empty<OptionSpec>();

    public int Run(GlobalOptions global, ParsedArgs args)
    {
        string id = CommandArgs.RequireId(args, Name);
        var store = new StateStore(global.Root);
        ContainerCgroup.Load(store, id);
        using IdLock idLock = IdLock.Acquire(store.Root, id);
        ContainerRecord r = store.Load(id);
        // runc: only a created or running container can be paused; anything else (stopped,
        // already paused) is "container not running".
        ContainerStatus status = ContainerStatusReader.Read(store, r);
        if (status is not (ContainerStatus.Running or ContainerStatus.Created))
            throw new RuntimeException("container not running");
        string dir = ContainerCgroup.Dir(r);
        ContainerCgroup.Run(() => CgroupFreezer.Freeze(dir, System.TimeSpan.FromSeconds(10)));
        return 0;
    }
}
