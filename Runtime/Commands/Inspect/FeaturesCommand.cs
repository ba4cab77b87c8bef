using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json;
using OciRuntime.Cli;
using OciRuntime.Process;
using OciRuntime.Spec.Features;
using OciRuntime.Spec.Json;
using OciRuntime.Spec.Validation;

namespace OciRuntime.Commands;

/// <summary>
/// `features` (features.md): only what works now. Hooks, cgroup controllers and seccomp are
/// absent until they are implemented, so containerd 2.x never relies on something missing.
/// </summary>
public sealed class FeaturesCommand : ICommand
{
    public string Name => "features";
    public string Usage => "features";
    public string Summary => "print what this build supports, as JSON";
    public IReadOnlyList<OptionSpec> Options { get; } = System.Array.Empty<OptionSpec>();

    public static readonly string[] MountOptionNames =
    {
        "async", "atime", "bind", "defaults", "dev", "diratime", "dirsync", "exec", "idmap", "iversion", "lazytime",
        "loud", "mand", "noatime", "nodev", "nodiratime", "noexec", "noiversion", "nolazytime", "nomand",
        "norelatime", "nostrictatime", "nosuid", "nosymfollow", "private", "rbind", "rdev", "rdiratime",
        "relatime", "remount", "rexec", "rnodev", "rnodiratime", "rnoexec", "rnosuid", "rnosymfollow",
        "ridmap", "ro", "rprivate", "rro", "rrw", "rshared", "rslave", "rsuid", "rsymfollow", "runbindable", "rw",
        "shared", "silent", "slave", "strictatime", "suid", "symfollow", "sync", "tmpcopyup", "unbindable",
    };

    public int Run(GlobalOptions global, ParsedArgs args)
    {
        var f = new RuntimeFeatures
        {
            OciVersionMin = VersionInfo.MinSpecVersion,
            OciVersionMax = VersionInfo.SpecVersion,
            Hooks = KnownValues.HookNames.ToList(),
            MountOptions = MountOptionNames.ToList(),
            Linux = new LinuxFeatures
            {
                Namespaces = KnownValues.NamespaceTypes.ToList(),
                Capabilities = CapabilitySet.All.ToList(),
                Cgroup = new CgroupFeatures { V1 = false, V2 = true, Systemd = true, SystemdUser = false, Rdma = true },
                Seccomp = new SeccompFeatures
                {
                    Enabled = true,
                    Actions = OciRuntime.Seccomp.SeccompAction.Names.ToList(),
                    Operators = OciRuntime.Seccomp.SeccompOperators.Names.ToList(),
                    Archs = OciRuntime.Seccomp.SeccompArch.Supported.Select(a => a.Name).ToList(),
                    KnownFlags = OciRuntime.Seccomp.SeccompFlags.Names.ToList(),
                    SupportedFlags = OciRuntime.Seccomp.SeccompFlags.Names.ToList(),
                },
                Apparmor = new EnabledFeature { Enabled = false },
                Selinux = new EnabledFeature { Enabled = false },
                IntelRdt = new IntelRdtFeatures { Enabled = false },
                MountExtensions = new MountExtensionsFeatures { Idmap = new EnabledFeature { Enabled = true } },
            },
            Annotations = new Dictionary<string, string>
            {
                ["org.opencontainers.runtime-spec.features.version"] = VersionInfo.SpecVersion,
                ["io.github.oci-runtime.version"] = VersionInfo.Version,
            },
        };
        Output.WriteStdout(Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(f, SpecJsonContext.Default.RuntimeFeatures)) + "\n");
        return 0;
    }
}
