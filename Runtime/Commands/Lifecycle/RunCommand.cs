using System.Collections.Generic;
using OciRuntime.Cli;
using OciRuntime.Container;
using OciRuntime.Errors;
using OciRuntime.Native.Interop;
using OciRuntime.State;
using OciRuntime.Terminal;

namespace OciRuntime.Commands;

/// <summary>
/// `run`: create + start, then (unless --detach) wait for the init, forward signals to it,
/// delete the container and exit with its status (128+N when killed by signal N).
/// </summary>
public sealed class RunCommand : ICommand
{
    public string Name => "run";
    public string Usage => "run [command options] <container-id>";
    public string Summary => "create a container and start it at once";
    public IReadOnlyList<OptionSpec> Options { get; } = BuildOptions();

    private static OptionSpec[] BuildOptions()
    {
        var list = new List<OptionSpec>(CreateCommand.CreateOptionSpecs) { OptionSpec.Flag("detach", "d"), OptionSpec.Flag("keep") };
        return list.ToArray();
    }

    public int Run(GlobalOptions global, ParsedArgs args)
    {
        string id = CommandArgs.RequireId(args, Name);
        var store = new StateStore(global.Root);
        bool detach = args.Has("detach");
        // The init may be a grandchild (pid/time namespace forks): become its reaper.
        if (!detach) Sys.Prctl(Prctl.SET_CHILD_SUBREAPER, 1, 0, 0, 0);

        using var console = detach ? null : new ForegroundConsole();
        CreateOptions opts = CreateCommand.FromArgs(args, global);
        opts.ForegroundConsole = console;
        ContainerRecord r = ContainerCreator.Create(store, id, opts);
        TerminalProxy? proxy = null;
        Notify.NotifySocket? notify = null;
        // Before start, as runc: a signal the caller sends once the process may run is never lost.
        ForegroundWaiter.SignalForwarder? forwarder = detach ? null : ForegroundWaiter.ForwardSignals();
        try
        {
            try
            {
                if (console is { Requested: true }) proxy = TerminalProxy.Attach(console.ReceiveMaster());
                if (opts.NotifySocket is { } host) notify = Notify.NotifySocket.Bind(store, id, host);
                ContainerStarter.Start(store, id);
            }
            catch
            {
                TryDelete(store, id);
                throw;
            }
            if (detach)
            {
                notify?.WaitAndForward(r.Pid, r.PidStartTime, r.Pid);
                return 0;
            }

            try
            {
                forwarder!.Target(r.Pid);
                // runc: the foreground runtime is what the caller should watch, so MAINPID is ours.
                notify?.WaitAndForward(r.Pid, r.PidStartTime, System.Environment.ProcessId);
                return proxy is not null ? proxy.Run(r.Pid) : ForegroundWaiter.Wait(r.Pid);
            }
            finally
            {
                if (!args.Has("keep")) TryDelete(store, id);
            }
        }
        finally
        {
            proxy?.Dispose();
            forwarder?.Dispose();
            notify?.Dispose();
        }
    }

    private static void TryDelete(StateStore store, string id)
    {
        try { ContainerDeleter.Delete(store, id, force: true); }
        catch (RuntimeException e) { Logging.RuntimeLog.Warning($"cleanup of container {id}: {e.Message}"); }
    }
}
