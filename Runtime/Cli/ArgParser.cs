using System;
using System.Collections.Generic;

namespace OciRuntime.Cli;

/// <summary>
/// runc-compatible flag parsing (urfave/cli v1 semantics): <c>--flag value</c>, <c>--flag=value</c>,
/// a single dash works too (<c>-flag</c>), booleans accept <c>--flag=false</c>, and parsing of
/// flags stops at the first positional argument or at <c>--</c> (so <c>exec ID ls -l</c> keeps -l).
/// </summary>
public static class ArgParser
{
    public static ParsedArgs Parse(IReadOnlyList<string> args, IReadOnlyList<OptionSpec> options, bool stopAtFirstPositional = true)
    {
        var byName = new Dictionary<string, OptionSpec>(StringComparer.Ordinal);
        foreach (var o in options)
            foreach (var n in o.AllNames())
                byName[n] = o;

        var result = new ParsedArgs();
        int i = 0;
        for (; i < args.Count; i++)
        {
            string a = args[i];
            if (a == "--") { i++; break; }
            if (a.Length < 2 || a[0] != '-')
            {
                if (stopAtFirstPositional) break;
                result.Positionals.Add(a);
                continue;
            }
            string body = a.StartsWith("--", StringComparison.Ordinal) ? a.Substring(2) : a.Substring(1);
            string? inline = null;
            int eq = body.IndexOf('=');
            if (eq >= 0)
            {
                inline = body.Substring(eq + 1);
                body = body.Substring(0, eq);
            }
            if (!byName.TryGetValue(body, out var spec))
                throw new UsageException($"flag provided but not defined: -{body}");
            if (spec.TakesValue)
            {
                string value;
                if (inline is not null) value = inline;
                else if (i + 1 < args.Count) value = args[++i];
                else throw new UsageException($"flag needs an argument: -{body}");
                result.AddValue(spec.Name, value);
            }
            else
            {
                bool on = inline is null || ParseBool(inline, body);
                result.SetFlag(spec.Name, on);
            }
        }
        for (; i < args.Count; i++) result.Positionals.Add(args[i]);
        return result;
    }

    private static bool ParseBool(string s, string flag) => s switch
    {
        "1" or "t" or "T" or "true" or "TRUE" or "True" => true,
        "0" or "f" or "F" or "false" or "FALSE" or "False" => false,
        _ => throw new UsageException($"invalid boolean value \"{s}\" for -{flag}"),
    };
}
