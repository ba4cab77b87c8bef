using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace OciRuntime.Conformance.Security;

/// <summary>
/// What a process of the container runs with: startContainer hooks (issue 10 item 6: the container's
/// capabilities, no_new_privs and seccomp filter, OCI_WEAKEN_HOOK_CREDENTIALS), masked and read-only
/// paths, inheritable and ambient capabilities. For the last two the weakened side is a test config
/// (the runtime applies exactly what the config says): the attacker must then see the difference.
/// </summary>
public class ProcessAttacks(ITestOutputHelper log)
{
    static readonly string[] s_statusFields = ["CapEff", "CapPrm", "CapBnd", "NoNewPrivs", "Seccomp"];

    [Fact]
    public void StartContainerHook_RunsWithTheContainersCredentials() =>
        SecuritySuite.AssertBlockedButWeakEscapes(log, "startContainer hook credentials", runtime =>
        {
            using var c = SecuritySuite.AttackContainer("sec-hook", runtime);
            string outDir = Path.Combine(c.Dir, "out");
            Directory.CreateDirectory(outDir);
            c.Configure(b =>
            {
                b.AddMount("/out", "bind", outDir, "bind", "rw");
                b.Process["noNewPrivileges"] = true;
                b.Linux["seccomp"] = new JsonObject
                {
                    ["defaultAction"] = "SCMP_ACT_ALLOW",
                    ["syscalls"] = new JsonArray(new JsonObject
                    {
                        ["names"] = new JsonArray("mknodat", "mknod"),
                        ["action"] = "SCMP_ACT_ERRNO",
                    }),
                };
                b.Config["hooks"] = new JsonObject
                {
                    ["startContainer"] = new JsonArray(new JsonObject
                    {
                        ["path"] = "/attacker",
                        ["args"] = new JsonArray("attacker", "status", "/out/hook-status"),
                    }),
                };
                b.Args("/attacker", "status", "-");
            });
            var r = c.Run();
            string hookFile = Path.Combine(outDir, "hook-status");
            string hookText = File.Exists(hookFile) ? File.ReadAllText(hookFile) : "";
            string detail = $"run exited {r.ExitCode}: {r.Stderr.Trim()}\n--- container ---\n{r.Stdout}--- hook ---\n{hookText}";
            if (r.ExitCode != 0 || hookText.Length == 0) return Outcome.Blocked("the container or its hook did not run", detail);
            var container = Capabilities.StatusFields(r.Stdout);
            var hook = Capabilities.StatusFields(hookText);
            var differ = s_statusFields.Where(f => container.GetValueOrDefault(f) != hook.GetValueOrDefault(f))
                .Select(f => $"{f} hook={hook.GetValueOrDefault(f)} container={container.GetValueOrDefault(f)}").ToList();
            return differ.Count > 0
                ? Outcome.Escape("the hook runs with other credentials than the container: " + string.Join(", ", differ), detail)
                : Outcome.Blocked("the hook has the container's credentials", detail);
        });

    static readonly string[] s_pathChecks =
    [
        "masked:/proc/timer_list", "masked:/proc/sched_debug", "masked:/proc/keys", "masked:/sys/firmware",
        "ro:/proc/sys/kernel/core_pattern", "ro:/proc/sysrq-trigger", "ro:/proc/sys/vm/drop_caches",
    ];

    static Outcome Paths(bool weakened)
    {
        using var c = SecuritySuite.AttackContainer("sec-paths", TestEnv.Runtime);
        c.Configure(b =>
        {
            if (weakened)
            {
                b.Linux["maskedPaths"] = new JsonArray();
                b.Linux["readonlyPaths"] = new JsonArray();
            }
            b.Args(["/attacker", "paths", .. s_pathChecks]);
        });
        var r = c.Run();
        return Outcome.FromAttacker(r.Stdout, $"run exited {r.ExitCode}: {r.Stderr.Trim()}");
    }

    [Fact]
    public void MaskedAndReadOnlyPaths_HoldAgainstTheContainer() =>
        SecuritySuite.AssertBlockedButWeakConfigEscapes(log, "masked and read-only paths",
            () => Paths(weakened: false), () => Paths(weakened: true));

    static Outcome Caps(bool weakened)
    {
        using var c = SecuritySuite.AttackContainer("sec-caps", TestEnv.Runtime);
        c.Configure(b =>
        {
            var caps = b.Process["capabilities"]!.AsObject();
            // What the config grants, as the attacker is told (the weakened config grants more than it says).
            ulong inh = Capabilities.Mask((caps["inheritable"]?.AsArray() ?? []).Select(n => (string)n!));
            ulong amb = Capabilities.Mask((caps["ambient"]?.AsArray() ?? []).Select(n => (string)n!));
            if (weakened)
            {
                caps["inheritable"] = new JsonArray("CAP_KILL");
                caps["ambient"] = new JsonArray("CAP_KILL");
            }
            b.Args("/attacker", "caps", inh.ToString("x"), amb.ToString("x"));
        });
        var r = c.Run();
        return Outcome.FromAttacker(r.Stdout, $"run exited {r.ExitCode}: {r.Stderr.Trim()}");
    }

    [Fact]
    public void InheritableAndAmbientCapabilities_OnlyWhatTheConfigGrants() =>
        SecuritySuite.AssertBlockedButWeakConfigEscapes(log, "inheritable/ambient capabilities",
            () => Caps(weakened: false), () => Caps(weakened: true));
}
