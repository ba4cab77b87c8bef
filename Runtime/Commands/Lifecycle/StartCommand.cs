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
        var store = new StateStore(global.Root);
        string id = CommandArgs.RequireId(args, Name);
        // runc: the socket is bound before the process runs, then start waits for its READY=.
        using var notify = Notify.NotifySocket.HostAddress(null) is string host && store.Exists(id) && System.IO.Directory.Exists(Notify.NotifySocket.Dir(store, id))
            ? Notify.NotifySocket.Bind(store, id, host) : null;
        ContainerStarter.Start(store, id);
        if (notify is not null)
        {
            ContainerRecord r = store.Load(id);
            notify.WaitAndForward(r.Pid, r.PidStartTime, r.Pid);
        }
        return 0;
    }
}
