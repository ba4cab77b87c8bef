using System.Collections.Generic;
using OciRuntime.Spec.Config;

namespace OciRuntime.Spec.Validation;

/// <summary>
/// Static validation of a parsed config.json: every MUST of config.md / config-linux.md /
/// runtime.md that can be decided from the document alone, plus the static checks runc makes
/// before touching the host. Checks that need the host (does the rootfs exist, is the
/// namespace path of the right type, is a controller enabled) belong to the runtime.
/// Seccomp is only checked structurally; the seccomp compiler owns actions/operators/arches.
/// </summary>
public static class ConfigValidator
{
    /// <summary>All problems of <paramref name="config"/>, in document order; empty when valid.</summary>
    public static IReadOnlyList<SpecError> Validate(OciConfig config)
    {
        var sink = new ErrorSink();
        RootRules.Check(config, sink);
        MountRules.Check(config, sink);
        if (config.Process is not null) ProcessRules.Check(config.Process, "process", sink);
        HookRules.Check(config.Hooks, sink);
        if (config.Linux is not null)
        {
            var ns = NamespaceSet.From(config.Linux.Namespaces);
            NamespaceRules.Check(config, ns, sink);
            DeviceRules.Check(config.Linux.Devices, sink);
            if (config.Linux.Resources is not null) ResourceRules.Check(config.Linux.Resources, "linux.resources", sink);
            LinuxRules.Check(config, ns, sink);
            SeccompRules.Check(config.Linux.Seccomp, sink);
        }
        else if (!string.IsNullOrEmpty(config.Hostname) || !string.IsNullOrEmpty(config.Domainname))
        {
            // No linux section means no namespaces at all, so hostname would change the host's.
            NamespaceRules.CheckUtsNames(config, NamespaceSet.Empty, sink);
        }
        return sink.Errors;
    }

    /// <summary>Throws a <see cref="SpecException"/> carrying every error when the config is invalid.</summary>
    public static void EnsureValid(OciConfig config)
    {
        var errors = Validate(config);
        if (errors.Count > 0) throw new SpecException(errors);
    }

    /// <summary>
    /// Validates a standalone process (<c>exec --process process.json</c>); paths are relative
    /// to that document and errors are attributed to <paramref name="document"/>.
    /// </summary>
    public static IReadOnlyList<SpecError> ValidateProcess(ProcessSpec process, string document = "process.json")
    {
        var sink = new ErrorSink(document);
        ProcessRules.Check(process, "", sink);
        return sink.Errors;
    }

    /// <summary>Validates a standalone resources document (<c>update --resources</c>).</summary>
    public static IReadOnlyList<SpecError> ValidateResources(LinuxResources resources, string document = "resources.json")
    {
        var sink = new ErrorSink(document);
        ResourceRules.Check(resources, "", sink);
        return sink.Errors;
    }
}
