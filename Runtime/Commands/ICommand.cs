using System.Collections.Generic;
using OciRuntime.Cli;

namespace OciRuntime.Commands;

/// <summary>A runc-compatible subcommand.</summary>
public interface ICommand
{
    string Name { get; }
    string Usage { get; }
    string Summary { get; }
    IReadOnlyList<OptionSpec> Options { get; }
    int Run(GlobalOptions global, ParsedArgs args);
}
