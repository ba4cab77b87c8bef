using System.Collections.Generic;
using System.Text;
using OciRuntime.Commands;

namespace OciRuntime.Cli;

/// <summary>
/// `oci-runtime COMMAND -h|--help`, as runc prints it (NAME, USAGE, OPTIONS). Like runc's CLI
/// library, flags are read only up to the first positional argument, so `exec ID cmd --help`
/// passes --help on to cmd.
/// </summary>
public static class CommandHelp
{
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
        foreach (OptionSpec o in cmd.Options)
        {
            var names = new List<string>();
            foreach (string n in o.AllNames()) names.Add((n.Length == 1 ? "-" : "--") + n + (o.TakesValue ? " value" : ""));
            sb.Append("   ").Append(string.Join(", ", names)).Append('\n');
        }
        sb.Append("   --help, -h").Append('\n');
        return sb.ToString();
    }
}
