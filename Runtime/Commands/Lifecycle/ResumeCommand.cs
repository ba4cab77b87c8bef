using System.Collections.Generic;
using OciRuntime.Cgroups;
using OciRuntime.Cli;
using OciRuntime.State;

namespace OciRuntime.Commands;

/// <summary>`resume ID`: thaws a paused container (cgroup.freeze 0) and waits until it runs again.</summary>
public sealed class ResumeCommand : ICommand
{
    public string Name => "resume";
    public string Usage => "resume <container-id>";
    public string Summary => "thaw the processes of a paused container";
    public IReadOnlyList<OptionSpec> Options { get; } = System.Array.Empty<OptionSpec>();

    public int Run(GlobalOptions global, ParsedArgs args)
    {
        ContainerCgroup.ChangeFreezer(new StateStore(global.Root), CommandArgs.RequireId(args, Name),
            s => s == ContainerStatus.Paused, "container not paused", CgroupFreezer.Thaw);
        return 0;
    }
}
