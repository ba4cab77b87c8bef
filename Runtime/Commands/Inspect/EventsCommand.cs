using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using OciRuntime.Cgroups;
using OciRuntime.Cli;
using OciRuntime.Errors;
using OciRuntime.State;

namespace OciRuntime.Commands;

/// <summary>
/// `events [--stats] [--interval D] ID`: with --stats, one runc-shaped stats JSON object and exit;
/// otherwise a stream of stats objects every interval (default 5s) plus {"type":"oom"} lines
/// whenever memory.events' oom_kill counter moves, until the container stops.
/// </summary>
public sealed class EventsCommand : ICommand
{
    public string Name => "events";
    public string Usage => "events [command options] <container-id>";
    public string Summary => "stream a container's resource statistics and OOM events";
    public IReadOnlyList<OptionSpec> Options { get; } = new[] { OptionSpec.Flag("stats"), OptionSpec.Value("interval") };

    // How often the stream looks at memory.events between stats: OOM kills show up within this.
    private static readonly TimeSpan OomPoll = TimeSpan.FromMilliseconds(100);

    public int Run(GlobalOptions global, ParsedArgs args)
    {
        string id = CommandArgs.RequireId(args, Name);
        TimeSpan interval = ParseDuration(args.Value("interval") ?? "5s");
        var store = new StateStore(global.Root);
        ContainerRecord r = ContainerCgroup.Load(store, id);
        if (ContainerStatusReader.Read(store, r) == ContainerStatus.Stopped)
            throw new RuntimeException($"container with id {id} is not running");
        string dir = ContainerCgroup.Dir(r);
        if (args.Has("stats"))
        {
            Output.WriteStdout(StatsJson.Stats(id, CgroupStats.Read(dir)) + "\n");
            return 0;
        }

        ulong ooms = CgroupStats.ReadOomKills(dir);
        DateTime nextStats = DateTime.UtcNow;
        while (ContainerStatusReader.Read(store, r) != ContainerStatus.Stopped)
        {
            ulong now = CgroupStats.ReadOomKills(dir);
            if (now > ooms) Output.WriteStdout(StatsJson.Oom(id) + "\n");
            ooms = now;
            if (DateTime.UtcNow >= nextStats)
            {
                Output.WriteStdout(StatsJson.Stats(id, CgroupStats.Read(dir)) + "\n");
                nextStats = DateTime.UtcNow + interval;
            }
            Thread.Sleep(interval < OomPoll ? interval : OomPoll);
        }
        return 0;
    }

    /// <summary>A Go duration as runc's --interval takes it: "5s", "100ms", "1m30s", "1.5s".</summary>
    public static TimeSpan ParseDuration(string s)
    {
        double total = 0;
        int i = 0;
        if (s.Length == 0) throw Bad(s);
        while (i < s.Length)
        {
            int start = i;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.')) i++;
            if (start == i || !double.TryParse(s.AsSpan(start, i - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double n)) throw Bad(s);
            int u = i;
            while (i < s.Length && char.IsAsciiLetter(s[i]) || i < s.Length && s[i] == 'µ') i++;
            total += s.Substring(u, i - u) switch
            {
                "ns" => n / 1e6,
                "us" or "µs" => n / 1e3,
                "ms" => n,
                "s" => n * 1e3,
                "m" => n * 60e3,
                "h" => n * 3600e3,
                _ => throw Bad(s),
            };
        }
        if (total <= 0) throw new UsageException($"invalid value \"{s}\" for flag --interval: duration must be greater than 0");
        // Go's time.Duration tops out near 292 years; TimeSpan would throw OverflowException.
        // (The catch-all's weakening drops this check too: the overflow is how its test reaches it.)
#if !OCI_WEAKEN_CATCH_ALL
        if (total > MaxIntervalMs) throw new UsageException($"invalid value \"{s}\" for flag --interval: duration out of range (at most 2562047h)");
#endif
        return TimeSpan.FromMilliseconds(total);
    }

    private const double MaxIntervalMs = 2562047.0 * 3600e3;

    private static UsageException Bad(string s) => new($"invalid value \"{s}\" for flag --interval: not a duration (e.g. 5s, 500ms)");
}
