using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using OciRuntime.Cli;
using OciRuntime.Errors;
using OciRuntime.Native.Interop;
using OciRuntime.Spec.Defaults;
using OciRuntime.Spec.Json;

namespace OciRuntime.Commands;

/// <summary>`spec [--rootless] [--bundle B]`: write runc's default config.json.</summary>
public sealed class SpecCommand : ICommand
{
    public string Name => "spec";
    public string Usage => "spec [command options]";
    public string Summary => "write a default config.json to start from";
    public IReadOnlyList<OptionSpec> Options { get; } = new[] { OptionSpec.Value("bundle", "b"), OptionSpec.Flag("rootless") };

    public int Run(GlobalOptions global, ParsedArgs args)
    {
        string bundle = args.Value("bundle") ?? Directory.GetCurrentDirectory();
        string path = Path.Combine(bundle, "config.json");
        if (File.Exists(path)) throw new RuntimeException("File config.json exists. Remove it first.");
        var spec = DefaultSpec.Create(args.Has("rootless"), Sys.GetUid(), Sys.GetGid());
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(spec, SpecJsonContext.Default.OciConfig);
        try { File.WriteAllBytes(path, json); }
        catch (DirectoryNotFoundException) { throw new RuntimeException($"bundle directory {bundle} does not exist"); }
        return 0;
    }
}
