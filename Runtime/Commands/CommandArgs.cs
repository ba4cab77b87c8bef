using OciRuntime.Cli;
using OciRuntime.State;

namespace OciRuntime.Commands;

/// <summary>Positional-argument checks shared by the commands, with runc's messages.</summary>
public static class CommandArgs
{
    public static string RequireId(ParsedArgs a, string command, int max = 1)
    {
        if (a.Positionals.Count < 1)
            throw new UsageException($"\"{command}\" requires a minimum of 1 argument");
        if (a.Positionals.Count > max)
            throw new UsageException($"\"{command}\" requires a maximum of {max} argument{(max == 1 ? "" : "s")}");
        return ContainerId.Check(a.Positionals[0]);
    }
}
