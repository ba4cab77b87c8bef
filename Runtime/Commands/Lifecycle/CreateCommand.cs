using System.Collections.Generic;
using System.IO;
using OciRuntime.Cli;
using OciRuntime.Container;
using OciRuntime.State;

namespace OciRuntime.Commands;

/// <summary>`create [--bundle B] [--pid-file P] [--console-socket S] ID`.</summary>
public sealed class CreateCommand : ICommand
{
    public string Name => "create";
    public string Usage => "create [command options] <container-id>";
    public string Summary => "build a container from a bundle; its process waits for start";

    public static readonly OptionSpec[] CreateOptionSpecs =
    {
        OptionSpec.Value("bundle", "b"),
        OptionSpec.Value("console-socket"),
        OptionSpec.Value("pid-file"),
        OptionSpec.Flag("no-pivot"),
        OptionSpec.Flag("no-new-keyring"),
        OptionSpec.Value("preserve-fds"),
        OptionSpec.Value("notify-socket"),
    };

    public IReadOnlyList<OptionSpec> Options => CreateOptionSpecs;

    public int Run(GlobalOptions global, ParsedArgs args)
    {
        string id = CommandArgs.RequireId(args, Name);
        ContainerCreator.Create(new StateStore(global.Root), id, FromArgs(args, global));
        return 0;
    }

    public static CreateOptions FromArgs(ParsedArgs args, GlobalOptions global)
    {
        Rootless.RootlessCgroup.CheckSystemdManager(global.Rootless, global.SystemdCgroup);
        return new CreateOptions
        {
            Bundle = Path.GetFullPath(args.Value("bundle") is { Length: > 0 } b ? b : Directory.GetCurrentDirectory()),
            PidFile = args.Value("pid-file"),
            ConsoleSocket = args.Value("console-socket"),
            PreserveFds = args.IntValue("preserve-fds", 0),
            NoPivot = args.Has("no-pivot"),
            NoNewKeyring = args.Has("no-new-keyring"),
            CgroupsDisabled = global.CgroupsDisabled,
            SystemdCgroup = global.SystemdCgroup,
            Rootless = global.Rootless,
            NotifySocket = Notify.NotifySocket.HostAddress(args.Value("notify-socket")),
        };
    }
}
