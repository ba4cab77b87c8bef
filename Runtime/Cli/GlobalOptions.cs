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
    /// <summary>`--rootless true|false|auto` (default auto: detected, Rootless/RootlessMode), worked out when first asked.</summary>
    public bool Rootless => _rootless ??= OciRuntime.Rootless.RootlessMode.Resolve(RootlessFlag);
    public string? RootlessFlag { get; init; }
    private bool? _rootless;

    public static GlobalOptions From(ParsedArgs p)
    {
        string format = p.Value("log-format") ?? "text";
        if (format != "text" && format != "json")
            throw new UsageException($"invalid log-format: {format}");
        string? manager = p.Value("cgroup-manager");
        if (manager is not null && manager != "cgroupfs" && manager != "disabled" && manager != "systemd")
            throw new UsageException($"invalid cgroup-manager: {manager}");
        string? rootless = p.Value("rootless");
        if (rootless is not (null or "" or "auto" or "true" or "false"))
            throw new UsageException($"invalid --rootless value {rootless}: use true, false or auto");
        return new GlobalOptions
        {
            RootlessFlag = rootless,
            Root = p.Value("root") is { Length: > 0 } r ? System.IO.Path.GetFullPath(r) : DefaultRoot(),
            LogPath = p.Value("log") is { Length: > 0 } l ? l : null,
            LogJson = format == "json",
            Debug = p.Has("debug"),
            SystemdCgroup = p.Has("systemd-cgroup") || manager == "systemd",
            CgroupsDisabled = manager == "disabled",
        };
    }

    /// <summary>
    /// /run/oci-runtime for root; $XDG_RUNTIME_DIR/oci-runtime for a non-root euid and for root of
    /// a user namespace (rootless podman), as runc picks $XDG_RUNTIME_DIR/runc. podman's cleanup
    /// runs us with XDG_RUNTIME_DIR set but empty, which counts as unset (clients.md).
    /// </summary>
    public static string DefaultRoot()
    {
        string? xdg = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
        uint euid = Sys.GetEuid();
        // Only root with XDG_RUNTIME_DIR set needs to know its user namespace (one small read).
        bool inChildNs = euid == 0 && !string.IsNullOrEmpty(xdg) && OciRuntime.Rootless.RootlessMode.InChildUserNamespace();
        if (OciRuntime.Rootless.RootlessMode.UseXdgRuntimeDir(xdg, euid, inChildNs, Environment.GetEnvironmentVariable("USER")))
            return System.IO.Path.Combine(xdg!, "oci-runtime");
        if (euid == 0) return "/run/oci-runtime";
        return $"/tmp/oci-runtime-{euid}";
    }
}
