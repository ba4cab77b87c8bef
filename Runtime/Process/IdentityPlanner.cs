using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using OciRuntime.Errors;
using OciRuntime.Native.Interop;
using OciRuntime.Native.Plan;
using OciRuntime.Spec.Config;

namespace OciRuntime.Process;

/// <summary>
/// Who the process runs as, in runc's order: rlimits while still privileged, the bounding set
/// drop (needs CAP_SETPCAP), then groups/gid/uid with PR_SET_KEEPCAPS so the permitted set
/// survives the uid change, then capset for effective/permitted/inheritable, then ambient.
/// </summary>
public static class IdentityPlanner
{
    public static void EmitRlimits(ProcessPlan plan, IReadOnlyList<PosixRlimit>? rlimits, Container.HostFacts host)
    {
        if (rlimits is null) return;
        for (int i = 0; i < rlimits.Count; i++)
        {
            PosixRlimit r = rlimits[i];
            if (!RlimitNames.Resource.TryGetValue(r.Type, out int resource)) continue; // the validator reported it
            CheckAgainstOwnHardLimit(r, i, host);
            plan.Syscall(Nr.prlimit64, $"set {r.Type} to soft {r.Soft} hard {r.Hard} (process.rlimits[{i}])", 0L, (long)resource,
                PlanArg.Data(PlanStructs.Rlimit(r.Soft, r.Hard)), PlanArg.Null);
        }
    }

    /// <summary>
    /// Raising a hard limit needs CAP_SYS_RESOURCE; these machines' root lacks it. Say so before
    /// the clone, with the numbers, rather than as a bare EPERM from the child.
    /// </summary>
    private static void CheckAgainstOwnHardLimit(PosixRlimit r, int index, Container.HostFacts host)
    {
        ulong? hard = host.OwnHardLimit(r.Type);
        if (hard is ulong h && r.Hard > h)
            throw new RuntimeException(
                $"config.json: process.rlimits[{index}]: error setting rlimit type {RlimitNames.Resource[r.Type]}: operation not permitted: " +
                $"{r.Type} hard limit {r.Hard} is above this runtime's hard limit {h}, and raising it needs CAP_SYS_RESOURCE, which the runtime does not have; lower the limit to at most {h}");
    }

    /// <summary>The runtime's hard limit of <paramref name="type"/>; null when unknown or when it holds CAP_SYS_RESOURCE (then no limit binds it).</summary>
    internal static ulong? OwnHardLimitUnlessRaisable(string type) => HasOwnCap(24 /* CAP_SYS_RESOURCE */) ? null : OwnHardLimit(type);

    private static ulong? OwnHardLimit(string type)
    {
        string label = type switch
        {
            "RLIMIT_CPU" => "Max cpu time", "RLIMIT_FSIZE" => "Max file size", "RLIMIT_DATA" => "Max data size",
            "RLIMIT_STACK" => "Max stack size", "RLIMIT_CORE" => "Max core file size", "RLIMIT_RSS" => "Max resident set",
            "RLIMIT_NPROC" => "Max processes", "RLIMIT_NOFILE" => "Max open files", "RLIMIT_MEMLOCK" => "Max locked memory",
            "RLIMIT_AS" => "Max address space", "RLIMIT_LOCKS" => "Max file locks", "RLIMIT_SIGPENDING" => "Max pending signals",
            "RLIMIT_MSGQUEUE" => "Max msgqueue size", "RLIMIT_NICE" => "Max nice priority", "RLIMIT_RTPRIO" => "Max realtime priority",
            "RLIMIT_RTTIME" => "Max realtime timeout", _ => "",
        };
        try
        {
            foreach (string line in File.ReadLines("/proc/self/limits"))
            {
                if (!line.StartsWith(label, StringComparison.Ordinal)) continue;
                string[] f = line.Substring(26).Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (f.Length < 2) return null;
                if (f[1] == "unlimited") return ulong.MaxValue;
                return ulong.Parse(f[1], CultureInfo.InvariantCulture);
            }
        }
        catch (Exception e) when (e is IOException or FormatException) { }
        return null;
    }

    internal static bool HasOwnCap(int cap)
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/self/status"))
                if (line.StartsWith("CapEff:", StringComparison.Ordinal))
                    return (ulong.Parse(line.Substring(7).Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture) & (1UL << cap)) != 0;
        }
        catch (Exception e) when (e is IOException or FormatException) { }
        return false;
    }

    public static void EmitUserAndCapabilities(ProcessPlan plan, ProcessSpec p, bool setgroupsAllowed, int lastCap)
    {
        LinuxCapabilities? caps = p.Capabilities;
        // runc's exact line (containerd and podman users grep their logs for it).
        if (CapabilitySet.Unknown(caps, lastCap) is { Count: > 0 } unknown)
            Logging.RuntimeLog.Warning($"ignoring unknown or unavailable capabilities: [{string.Join(' ', unknown)}]");
        ulong bounding = CapabilitySet.Mask(caps?.Bounding, lastCap);
        for (int cap = 0; cap <= lastCap; cap++)
            if ((bounding & (1UL << cap)) == 0)
                plan.Syscall(Nr.prctl, $"drop {CapabilitySet.All[cap]} from the bounding set", (long)Prctl.CAPBSET_DROP, (long)cap, 0L, 0L, 0L)
                    .Tolerate(Errno.EINVAL);

        plan.Syscall(Nr.prctl, "keep capabilities across the uid change", (long)Prctl.SET_KEEPCAPS, 1L, 0L, 0L, 0L);
        if (setgroupsAllowed)
        {
            List<uint> gids = p.User.AdditionalGids ?? new List<uint>();
            plan.Syscall(Nr.setgroups, $"set supplementary groups [{string.Join(' ', gids)}] (process.user.additionalGids)",
                (long)gids.Count, PlanArg.Data(PlanStructs.Gids(gids.ToArray())));
        }
        plan.Syscall(Nr.setresgid, $"set gid {p.User.Gid} (process.user.gid)", (long)p.User.Gid, (long)p.User.Gid, (long)p.User.Gid)
            .WithHint("the gid must be mapped in the container's user namespace");
        plan.Syscall(Nr.setresuid, $"set uid {p.User.Uid} (process.user.uid)", (long)p.User.Uid, (long)p.User.Uid, (long)p.User.Uid)
            .WithHint("the uid must be mapped in the container's user namespace");
        plan.Syscall(Nr.prctl, "stop keeping capabilities across uid changes", (long)Prctl.SET_KEEPCAPS, 0L, 0L, 0L, 0L);

        var (header, data) = PlanStructs.CapSet(
            CapabilitySet.Mask(caps?.Effective, lastCap),
            CapabilitySet.Mask(caps?.Permitted, lastCap),
            CapabilitySet.Mask(caps?.Inheritable, lastCap));
        plan.Syscall(Nr.capset, "set capabilities (process.capabilities)", PlanArg.Data(header), PlanArg.Data(data));

        ulong ambient = CapabilitySet.Mask(caps?.Ambient, lastCap);
        for (int cap = 0; cap <= lastCap; cap++)
            if ((ambient & (1UL << cap)) != 0)
                plan.Syscall(Nr.prctl, $"raise ambient {CapabilitySet.All[cap]} (process.capabilities.ambient)",
                    (long)Prctl.CAP_AMBIENT, (long)Prctl.CAP_AMBIENT_RAISE, (long)cap, 0L, 0L)
                    // runc only warns: its own default spec (since 1.1.2) lists ambient capabilities
                    // without inheritable ones, and those cannot be raised.
                    .Tolerate(Errno.EPERM);
    }
}
