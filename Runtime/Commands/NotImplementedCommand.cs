using System.Collections.Generic;
using OciRuntime.Cli;
using OciRuntime.Errors;

namespace OciRuntime.Commands;

/// <summary>A runc subcommand that exists but is not implemented yet: it fails clearly, never silently.</summary>
public sealed class NotImplementedCommand(string name, string summary) : ICommand
{
    public string Name => name;
    public string Usage => $"{name} [command options] <container-id>";
    public string Summary => $"{summary} (not implemented yet)";
    public IReadOnlyList<OptionSpec> Options { get; } = System.Array.Empty<OptionSpec>();

    public int Run(GlobalOptions global, ParsedArgs args) =>
        throw new RuntimeException($"\"{name}\" is not implemented yet in oci-runtime");
}
