using System;
using System.Collections.Generic;
using System.Text;
using OciRuntime.Cli;
using OciRuntime.Commands;
using OciRuntime.Errors;
using OciRuntime.Logging;
using OciRuntime.State;
using OciRuntime.Spec.Validation;

namespace OciRuntime;

public static class Program
{
    public static readonly ICommand[] Commands =
    {
        new CreateCommand(), new StartCommand(), new RunCommand(), new KillCommand(), new DeleteCommand(),
        new StateCommand(), new ListCommand(), new SpecCommand(), new FeaturesCommand(),
        new ExecCommand(),
        new PauseCommand(),
        new ResumeCommand(),
        new UpdateCommand(),
        new EventsCommand(),
        new PsCommand(),
        new NotImplementedCommand("checkpoint", "save a running container to disk"),
        new NotImplementedCommand("restore", "start a container again from a checkpoint"),
    };

    public static int Main(string[] argv)
    {
        StandardFds.EnsureOpen();
#if OCI_WEAKEN_CATCH_ALL
        return Run(argv);
#else
        try
        {
            return Run(argv);
        }
        catch (Exception e)
        {
            // Nothing may escape as an abort (exit 134 and a stack trace on a stderr the caller
            // may not even read): kubelet and the shims only understand exit 1 and one line.
            RuntimeLog.Error($"unexpected {e.GetType().Name}: {e.Message}");
            return 1;
        }
#endif
    }

    private static int Run(string[] argv)
    {
        try
        {
            StressHook.StartIfRequested();
            ParsedArgs g = ArgParser.Parse(argv, GlobalOptions.Specs);
            GlobalOptions global = GlobalOptions.From(g);
            Cgroups.Systemd.SystemdManager.Configure(() => global.Rootless);
            RuntimeLog.Configure(global.LogPath, global.LogJson, global.Debug);
            if (RuntimeLog.CheckLogFile() is { } logError) throw new UsageException(logError);
            if (g.Has("version")) { Output.WriteStdout(VersionInfo.Text); return 0; }
            if (g.Positionals.Count == 0 || g.Has("help")) { Output.WriteStdout(HelpText()); return 0; }

            string name = g.Positionals[0];
            List<string> rest = g.Positionals.GetRange(1, g.Positionals.Count - 1);
            if (name == "help") { Output.WriteStdout(HelpText()); return 0; }
            ICommand cmd = Find(name) ?? throw new UsageException($"No help topic for '{name}'");
            if (CommandHelp.Requested(rest, cmd)) { Output.WriteStdout(CommandHelp.Text(cmd)); return 0; }
            ParsedArgs a = ArgParser.Parse(rest, cmd.Options);
            if (!IgnoresRoot.Contains(name)) StateStore.CheckRoot(global.Root);
            return cmd.Run(global, a);
        }
        catch (Native.Plan.PlanStringException e)
        {
            // A config string with a NUL byte, found where the plan is built (mounts' options, args, env, hooks).
            RuntimeLog.Error("config.json: " + e.Message);
            return 1;
        }
        catch (SpecException e)
        {
            // Every problem the validator found, on one line (clients show the first line only).
            RuntimeLog.Error(e.Errors.Count > 0 ? string.Join("; ", e.Errors) : e.Message);
            return 1;
        }
        catch (RuntimeException e)
        {
            RuntimeLog.Error(e.Message);
            return e.ExitCode;
        }
        catch (UsageException e)
        {
            RuntimeLog.Error(e.Message);
            return 1;
        }
        catch (Exception e) when (e is System.IO.IOException or UnauthorizedAccessException)
        {
            RuntimeLog.Error(e.Message);
            return 1;
        }
    }

    /// <summary>Commands that never read or write the state root (runc does not look at it for these either).</summary>
    private static readonly HashSet<string> IgnoresRoot = new(StringComparer.Ordinal) { "spec", "features" };

    private static ICommand? Find(string name) => Array.Find(Commands, c => c.Name == name);

    internal static string HelpText()
    {
        var sb = new StringBuilder();
        sb.Append("NAME:\n   oci-runtime - an OCI runtime-spec container runtime (runc-compatible)\n\n");
        sb.Append("USAGE:\n   oci-runtime [global options] command [command options] [arguments...]\n\n");
        sb.Append("COMMANDS:\n");
        foreach (ICommand c in Commands) sb.Append("   ").Append(c.Name.PadRight(12)).Append(c.Summary).Append('\n');
        sb.Append("\nGLOBAL OPTIONS:\n");
        sb.Append("   --root value        where container state is kept, one directory per container (default: \"").Append(GlobalOptions.DefaultRoot()).Append("\")\n");
        sb.Append("   --log value         also append errors and warnings to this file (default: stderr only)\n");
        sb.Append("   --log-format value  text or json (JSON lines, as containerd's shim reads them) (default: text)\n");
        sb.Append("   --debug             log debug messages too (default: off)\n");
        sb.Append("   --systemd-cgroup    accepted for runc compatibility\n");
        sb.Append("   --version, -v       print the version, commit and runtime-spec version\n");
        return sb.ToString();
    }
}
