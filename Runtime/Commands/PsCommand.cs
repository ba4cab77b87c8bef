using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using OciRuntime.Cli;
using OciRuntime.Errors;
using OciRuntime.State;

namespace OciRuntime.Commands;

/// <summary>
/// `ps [-f table|json] ID [ps options]`: the container's processes (its cgroup and sub-cgroups).
/// `-f json` prints exactly a JSON array of host pids, which containerd parses. The table is
/// printed by the runtime itself from /proc (UID PID PPID CMD): runc runs ps(1) and filters its
/// output, but this runtime never runs another program, so ps options other than runc's default
/// "-ef" are refused rather than ignored.
/// </summary>
public sealed class PsCommand : ICommand
{
    public string Name => "ps";
    public string Usage => "ps [command options] <container-id> [ps options]";
    public string Summary => "list the processes of a container";
    public IReadOnlyList<OptionSpec> Options { get; } = new[] { OptionSpec.Value("format", "f") };

    public int Run(GlobalOptions global, ParsedArgs args)
    {
        string id = CommandArgs.RequireId(args, Name, max: int.MaxValue);
        string format = args.Value("format") ?? "table";
        if (format is not ("table" or "json"))
            throw new UsageException($"invalid format option \"{format}\" (use table or json)");
        for (int i = 1; i < args.Positionals.Count; i++)
            if (args.Positionals[i] != "-ef")
                throw new RuntimeException($"ps option \"{args.Positionals[i]}\" is not supported: this runtime does not run ps(1); use -f json for the pids");

        var store = new StateStore(global.Root);
        ContainerRecord r = ContainerCgroup.Load(store, id);
        List<int> pids = Cgroups.CgroupProcs.All(ContainerCgroup.Dir(r));
        pids.Sort();
        var sb = new StringBuilder();
        if (format == "json")
        {
            sb.Append('[');
            for (int i = 0; i < pids.Count; i++) sb.Append(i == 0 ? "" : ",").Append(pids[i].ToString(CultureInfo.InvariantCulture));
            sb.Append("]\n");
        }
        else
        {
            sb.Append("UID        PID   PPID  CMD\n");
            foreach (int pid in pids)
            {
                (string uid, string ppid) = Status(pid);
                sb.Append(uid.PadRight(10)).Append(' ').Append(pid.ToString(CultureInfo.InvariantCulture).PadLeft(5)).Append(' ')
                  .Append(ppid.PadLeft(6)).Append("  ").Append(Cmdline(pid)).Append('\n');
            }
        }
        Output.WriteStdout(sb.ToString());
        return 0;
    }

    private static (string Uid, string PPid) Status(int pid)
    {
        string uid = "?", ppid = "?";
        try
        {
            foreach (string line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("Uid:", StringComparison.Ordinal)) uid = line.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1];
                else if (line.StartsWith("PPid:", StringComparison.Ordinal)) ppid = line.Substring(5).Trim();
            }
        }
        catch (IOException) { }
        return (uid, ppid);
    }

    private static string Cmdline(int pid)
    {
        try
        {
            string c = File.ReadAllText($"/proc/{pid}/cmdline").TrimEnd('\0').Replace('\0', ' ');
            if (c.Length > 0) return c;
            return "[" + File.ReadAllText($"/proc/{pid}/comm").Trim() + "]";
        }
        catch (IOException) { return "?"; }
    }
}
