using System.IO;
using OciRuntime.Spec.Config;
using OciRuntime.Spec.Json;
using OciRuntime.Spec.Validation;

namespace OciRuntime.Spec.Loading;

/// <summary>Reads a standalone process document (<c>exec --process process.json</c>).</summary>
public static class ProcessLoader
{
    /// <summary>Reads, parses and validates <paramref name="path"/>; errors name that file and the JSON path inside it.</summary>
    public static ProcessSpec Load(string path)
    {
        string full = Path.GetFullPath(path);
        string document = Path.GetFileName(full);
        var process = Parse(ConfigLoader.ReadFile(full, document), document);
        var errors = ConfigValidator.ValidateProcess(process, document);
        if (errors.Count > 0) throw new SpecException(errors);
        return process;
    }

    /// <summary>Parses process JSON text (syntax and types only).</summary>
    public static ProcessSpec Parse(string json, string document = "process.json") =>
        ConfigFastReader.TryParseProcess(json ?? "") ?? SpecJsonParser.Parse(json ?? "", SpecJsonContext.Default.ProcessSpec, document);
}

/// <summary>Reads a standalone resources document (<c>update --resources file</c>).</summary>
public static class ResourcesLoader
{
    /// <summary>Parses and validates resources JSON text (read from a file or stdin by the caller).</summary>
    public static LinuxResources Parse(string json, string document = "resources.json")
    {
        var resources = SpecJsonParser.Parse(json ?? "", SpecJsonContext.Default.LinuxResources, document);
        var errors = ConfigValidator.ValidateResources(resources, document);
        if (errors.Count > 0) throw new SpecException(errors);
        return resources;
    }

    /// <summary>Reads <paramref name="path"/> and parses it with <see cref="Parse"/>.</summary>
    public static LinuxResources Load(string path)
    {
        string full = Path.GetFullPath(path);
        string document = Path.GetFileName(full);
        return Parse(ConfigLoader.ReadFile(full, document), document);
    }
}
