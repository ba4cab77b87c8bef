using System.Collections.Generic;
using OciRuntime.Cgroups;
using OciRuntime.Cli;
using OciRuntime.Errors;
using OciRuntime.State;

namespace OciRuntime.Commands;

/// <summary>`resume ID`: thaws a paused container (cgroup.freeze 0) and waits until it runs again.</summary>
public sealed class ResumeCommand : ICommand
{
    public string Name => "resume";
    public string Usage => "resume <container-id>";
    public string Summary => "resumes all processes that have been previously paused";
    public IReadOnlyList<OptionSpec> Options { get; } = System.Array.Empty<OptionSpec>();

    public int Run(GlobalOptions global, ParsedArgs args)
    {
        string id = CommandArgs.RequireId(args, Name);
        var store = new StateStore(global.Root);
        ContainerCgroup.Load(store, id);
        using IdLock idLock = IdLock.Acquire(store.Root, id);
        ContainerRecord r = store.Load(id);
        if (ContainerStatusReader.Read(store, r) != ContainerStatus.Paused)
            throw new RuntimeException("container not paused");
        string dir = ContainerCgroup.Dir(r);
        ContainerCgroup.Run(() => CgroupFreezer.Thaw(dir, System.TimeSpan.FromSeconds(10)));
        return 0;
    }
}
