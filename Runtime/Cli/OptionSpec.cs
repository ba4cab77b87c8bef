using System.Collections.Generic;

namespace OciRuntime.Cli;

/// <summary>One flag a command accepts: its names (without dashes) and whether it takes a value.</summary>
public sealed record OptionSpec(string Name, bool TakesValue, params string[] Aliases)
{
    public IEnumerable<string> AllNames()
    {
        yield return Name;
        foreach (string a in Aliases) yield return a;
    }

    public static OptionSpec Flag(string name, params string[] aliases) => new(name, false, aliases);
    public static OptionSpec Value(string name, params string[] aliases) => new(name, true, aliases);
}
