using System;
using System.Collections.Generic;
using System.Text;
using OciRuntime.Commands;

namespace OciRuntime.Cli;

/// <summary>
/// `oci-runtime COMMAND -h|--help` in runc's layout (NAME, USAGE, OPTIONS), in our own words:
/// each flag with what it does and its default. Like runc's CLI library, flags are read only up
/// to the first positional argument, so `exec ID cmd --help` passes --help on to cmd.
/// </summary>
public static class CommandHelp
{
    /// <summary>What a flag does and its default (null: the flag is off, or there is nothing to default to).</summary>
    public readonly record struct FlagText(string What, string? Default);

    // "command flag" first, then "flag": the same name means different things in list and ps.
    private static readonly Dictionary<string, FlagText> Flags = new(StringComparer.Ordinal)
    {
        ["bundle"] = new("the bundle directory, holding config.json and usually the rootfs", "the current directory"),
        ["console-socket"] = new("a unix socket that receives the pty master of a process.terminal container (SCM_RIGHTS)", null),
        ["pid-file"] = new("write the process's host pid here (digits, no newline)", null),
        ["no-pivot"] = new("enter the rootfs with MS_MOVE and chroot instead of pivot_root (for a ramfs root)", "off"),
        ["no-new-keyring"] = new("keep the caller's session keyring instead of a new one for the container", "off"),
        ["preserve-fds"] = new("pass this many fds after stdio (3, 4, ...) on to the process", "0"),
        ["notify-socket"] = new("the sd_notify socket the container's readiness is relayed to", null),
        ["run detach"] = new("return once the container runs instead of waiting for it", "off"),
        ["run keep"] = new("leave the stopped container for `delete` instead of removing it", "off"),
        ["delete force"] = new("kill a running container first (SIGKILL); a missing container is no error", "off"),
        ["events stats"] = new("print one statistics object and exit", "off"),
        ["events interval"] = new("time between two statistics objects (5s, 500ms, 1m30s)", "5s"),
        ["kill all"] = new("signal every process of the container's cgroup, not only the init", "off"),
        ["list format"] = new("table or json", "table"),
        ["list quiet"] = new("print the container ids only", "off"),
        ["ps format"] = new("table (ps(1) output) or json (an array of host pids)", "table"),
        ["spec rootless"] = new("a config an unprivileged user can run (a user namespace mapping the caller)", "off"),
        ["exec cwd"] = new("working directory, resolved inside the container's root", "process.cwd of config.json"),
        ["exec env"] = new("add or replace one variable (KEY=VALUE); repeatable", null),
        ["exec tty"] = new("give the process a pty", "off"),
        ["exec user"] = new("UID[:GID] to run as (numbers only)", "process.user of config.json"),
        ["exec additional-gids"] = new("a supplementary group id; repeatable", "process.user.additionalGids"),
        ["exec process"] = new("a process.json to run instead of the command line", null),
        ["exec detach"] = new("return once the process runs instead of waiting for it", "off"),
        ["exec process-label"] = new("the SELinux label of the process", "process.selinuxLabel"),
        ["exec apparmor"] = new("the AppArmor profile of the process", "process.apparmorProfile"),
        ["exec no-new-privs"] = new("set no_new_privs for the process", "process.noNewPrivileges"),
        ["exec cap"] = new("add one capability (CAP_...) to every set; repeatable", null),
        ["exec cgroup"] = new("a sub-cgroup of the container's cgroup to run in", "the container's cgroup"),
        ["exec ignore-paused"] = new("run even when the container is paused (the process starts frozen)", "off"),
        ["update resources"] = new("a linux.resources JSON file, or - for stdin", null),
        ["update blkio-weight"] = new("block I/O weight, 10 to 1000", "unchanged"),
        ["update cpu-period"] = new("CPU CFS period in microseconds", "unchanged"),
        ["update cpu-quota"] = new("CPU CFS quota in microseconds per period (-1: none)", "unchanged"),
        ["update cpu-share"] = new("relative CPU weight", "unchanged"),
        ["update cpu-rt-period"] = new("real-time period in microseconds (cgroup v1 only)", "unchanged"),
        ["update cpu-rt-runtime"] = new("real-time runtime in microseconds (cgroup v1 only)", "unchanged"),
        ["update cpuset-cpus"] = new("CPUs the container may use (0-3,5)", "unchanged"),
        ["update cpuset-mems"] = new("memory nodes the container may use (0-1)", "unchanged"),
        ["update kernel-memory"] = new("accepted and ignored (cgroup v2 has no kernel memory limit)", "unchanged"),
        ["update kernel-memory-tcp"] = new("accepted and ignored (cgroup v2 has no kernel TCP limit)", "unchanged"),
        ["update memory"] = new("memory limit (512m, 1g; -1: none)", "unchanged"),
        ["update memory-reservation"] = new("memory soft limit (512m, 1g)", "unchanged"),
        ["update memory-swap"] = new("memory plus swap limit (1g; -1: none)", "unchanged"),
        ["update pids-limit"] = new("most processes at once (-1: none)", "unchanged"),
        ["update l3-cache-schema"] = new("Intel RDT L3 cache schema", "unchanged"),
        ["update mem-bw-schema"] = new("Intel RDT memory bandwidth schema", "unchanged"),
    };

    /// <summary>The help of <paramref name="flag"/> in <paramref name="command"/>, or null when it has none.</summary>
    public static FlagText? For(string command, string flag) =>
        Flags.TryGetValue(command + " " + flag, out FlagText t) || Flags.TryGetValue(flag, out t) ? t : null;

    public static bool Requested(IReadOnlyList<string> args, ICommand cmd)
    {
        var takesValue = new HashSet<string>();
        foreach (OptionSpec o in cmd.Options)
            if (o.TakesValue)
                foreach (string n in o.AllNames()) takesValue.Add(n);
        for (int i = 0; i < args.Count; i++)
        {
            string a = args[i];
            if (a == "--" || !a.StartsWith('-') || a == "-") return false;
            if (a is "-h" or "--help" or "-help") return true;
            string name = a.TrimStart('-');
            if (!name.Contains('=') && takesValue.Contains(name)) i++; // its value, even if it looks like a flag
        }
        return false;
    }

    public static string Text(ICommand cmd)
    {
        var sb = new StringBuilder();
        sb.Append("NAME:\n   oci-runtime ").Append(cmd.Name).Append(" - ").Append(cmd.Summary).Append("\n\n");
        sb.Append("USAGE:\n   oci-runtime ").Append(cmd.Usage).Append("\n\n");
        sb.Append("OPTIONS:\n");
        var lines = new List<(string Names, string Text)>();
        foreach (OptionSpec o in cmd.Options)
        {
            var names = new List<string>();
            foreach (string n in o.AllNames()) names.Add((n.Length == 1 ? "-" : "--") + n + (o.TakesValue ? " value" : ""));
            string text = For(cmd.Name, o.Name) is { } t ? t.What + (t.Default is { } d ? $" (default: {d})" : "") : "";
            lines.Add((string.Join(", ", names), text));
        }
        lines.Add(("--help, -h", "show this help"));
        int width = 0;
        foreach (var (names, _) in lines) width = System.Math.Max(width, names.Length);
        foreach (var (names, text) in lines)
            sb.Append("   ").Append(names.PadRight(width + 2)).Append(text).Append('\n');
        return sb.ToString();
    }
}
