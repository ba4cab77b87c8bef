using System;
using System.Collections.Generic;
using OciRuntime.Native.Interop;

namespace OciRuntime.Cli;

/// <summary>Flags that come before the subcommand, as runc takes them.</summary>
public sealed class GlobalOptions
{
    public static readonly IReadOnlyList<OptionSpec> Specs = new[]
    {
        OptionSpec.Value("root"),
        OptionSpec.Value("log"),
        OptionSpec.Value("log-format"),
        OptionSpec.Flag("debug"),
        OptionSpec.Flag("systemd-cgroup"),
        OptionSpec.Value("rootless"),
        OptionSpec.Value("criu"),
        OptionSpec.Value("cgroup-manager"),
        OptionSpec.Flag("help", "h"),
        OptionSpec.Flag("version", "v"),
    };

    public string Root { get; init; } = DefaultRoot();
    public string? LogPath { get; init; }
    public bool LogJson { get; init; }
    public bool Debug { get; init; }
    public bool SystemdCgroup { get; init; }
    /// <summary>`--cgroup-manager disabled` (conmon's runtime_supports_nocgroups) turns cgroups off.</summary>
    public bool CgroupsDisabled { get; init; }

    public static GlobalOptions From(ParsedArgs p)
    {
        string format = p.Value("log-format") ?? "text";
        if (format != "text" && format != "json")
            throw new UsageException($"invalid log-format: {format}");
        string? manager = p.Value("cgroup-manager");
        if (manager is not null && manager != "cgroupfs" && manager != "disabled" && manager != "systemd")
            throw new UsageException($"invalid cgroup-manager: {manager}");
        return new GlobalOptions
        {
            Root = p.Value("root") is { Length: > 0 } r ? System.IO.Path.GetFullPath(r) : DefaultRoot(),
            LogPath = p.Value("log") is { Length: > 0 } l ? l : null,
            LogJson = format == "json",
            Debug = p.Has("debug"),
            SystemdCgroup = p.Has("systemd-cgroup") || manager == "systemd",
            CgroupsDisabled = manager == "disabled",
        };
    }

    /// <summary>
    /// /run/oci-runtime for root; $XDG_RUNTIME_DIR/oci-runtime otherwise. podman's cleanup runs us
    /// with XDG_RUNTIME_DIR set but empty, which counts as unset (clients.md).
    /// </summary>
    public static string DefaultRoot()
    {
        if (Sys.GetUid() == 0) return "/run/oci-runtime";
        string? xdg = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
        if (!string.IsNullOrEmpty(xdg)) return System.IO.Path.Combine(xdg, "oci-runtime");
        return $"/tmp/oci-runtime-{Sys.GetUid()}";
    }
}
