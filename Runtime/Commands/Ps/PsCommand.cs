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
/// `-f json` prints exactly a JSON array of host pids, which containerd parses. The table is what
/// runc prints — the header and the container's rows of `ps -ef` — produced natively from /proc
/// and the host's /etc/passwd (<see cref="PsTable"/>): this runtime never runs another program.
/// So only runc's default ("-ef", or nothing) is supported; other ps options are refused rather
/// than ignored.
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
        List<string> psArgs = args.Positionals.GetRange(1, args.Positionals.Count - 1);
        if (!(psArgs.Count == 0 || psArgs.Count == 1 && psArgs[0] == "-ef"))
            throw new RuntimeException($"ps options \"{string.Join(' ', psArgs)}\" are not supported: this runtime prints the default table (that of `ps -ef`) natively and does not run ps(1); " +
                "drop the options, or use -f json for the pids");

        var store = new StateStore(global.Root);
        ContainerRecord r = ContainerCgroup.Load(store, id);
        List<int> pids = Cgroups.CgroupProcs.All(ContainerCgroup.Dir(r));
        pids.Sort();
        if (format == "json")
        {
            var sb = new StringBuilder("[");
            for (int i = 0; i < pids.Count; i++) sb.Append(i == 0 ? "" : ",").Append(pids[i].ToString(CultureInfo.InvariantCulture));
            Output.WriteStdout(sb.Append("]\n").ToString());
            return 0;
        }
        var processes = new List<PsProcessInfo>();
        foreach (int pid in pids)
            if (PsProcessInfo.Read(pid) is { } p) processes.Add(p);
        Output.WriteStdout(PsTable.Format(processes, HostClock(), PasswdNames.Load(), PidDigits(), Utf8Locale()));
        return 0;
    }

    /// <summary>Boot time as procps takes it (btime of /proc/stat), uptime for the cpu percentage.</summary>
    private static PsTable.Clock HostClock()
    {
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        double uptime = 0;
        long boot = 0;
        try
        {
            uptime = double.Parse(File.ReadAllText("/proc/uptime").Split(' ')[0], CultureInfo.InvariantCulture);
            foreach (string line in File.ReadLines("/proc/stat"))
                if (line.StartsWith("btime ", StringComparison.Ordinal)) boot = long.Parse(line.AsSpan(6).Trim(), CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or FormatException) { }
        if (boot == 0) boot = now - (long)uptime;
        return new PsTable.Clock(now, boot, uptime, TimeZoneInfo.Local);
    }

    /// <summary>procps sizes pid columns by the number of characters of /proc/sys/kernel/pid_max (5 if unreadable).</summary>
    private static int PidDigits()
    {
        try
        {
            int n = File.ReadAllText("/proc/sys/kernel/pid_max").TrimEnd('\n').Length;
            return n > 0 ? n : 5;
        }
        catch (IOException) { return 5; }
    }

    /// <summary>Whether ps(1) would run in a UTF-8 locale (the first of LC_ALL, LC_CTYPE, LANG that is set).</summary>
    private static bool Utf8Locale()
    {
        foreach (string v in new[] { "LC_ALL", "LC_CTYPE", "LANG" })
            if (Environment.GetEnvironmentVariable(v) is { Length: > 0 } locale)
                return locale.Contains("UTF-8", StringComparison.OrdinalIgnoreCase) || locale.Contains("utf8", StringComparison.OrdinalIgnoreCase);
        return false;
    }
}
