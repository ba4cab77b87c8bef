using System.Collections.Generic;
using OciRuntime.Errors;
using OciRuntime.Native.Interop;
using OciRuntime.Native.Plan;
using OciRuntime.Spec.Config;

namespace OciRuntime.Process;

/// <summary>config-linux.md "Memory policy": set_mempolicy(mode | flags, nodemask, maxnode) for the container's process.</summary>
public static class MemoryPolicyPlanner
{
    private static readonly Dictionary<string, long> Modes = new()
    {
        ["MPOL_DEFAULT"] = 0, ["MPOL_PREFERRED"] = 1, ["MPOL_BIND"] = 2, ["MPOL_INTERLEAVE"] = 3,
        ["MPOL_LOCAL"] = 4, ["MPOL_PREFERRED_MANY"] = 5, ["MPOL_WEIGHTED_INTERLEAVE"] = 6,
    };

    private static readonly Dictionary<string, long> Flags = new()
    {
        ["MPOL_F_NUMA_BALANCING"] = 1 << 13, ["MPOL_F_RELATIVE_NODES"] = 1 << 14, ["MPOL_F_STATIC_NODES"] = 1 << 15,
    };

    public static void Emit(ProcessPlan plan, LinuxMemoryPolicy? policy)
    {
        if (policy is null) return;
        if (!Modes.TryGetValue(policy.Mode, out long mode))
            throw new RuntimeException($"config.json: linux.memoryPolicy.mode: unknown mode \"{policy.Mode}\"");
        foreach (string f in policy.Flags ?? new List<string>())
            mode |= Flags.TryGetValue(f, out long bit) ? bit : throw new RuntimeException($"config.json: linux.memoryPolicy.flags: unknown flag \"{f}\"");
        PlanArg nodes = PlanArg.Null;
        long maxNode = 0;
        if (!string.IsNullOrEmpty(policy.Nodes))
        {
            byte[] mask = SchedulingPlanner.CpuMask(policy.Nodes);   // same list syntax as CPU lists
            nodes = PlanArg.Data(mask);
            maxNode = mask.Length * 8 + 1;
        }
        plan.Syscall(Nr.set_mempolicy, $"set memory policy {policy.Mode} (linux.memoryPolicy)", mode, nodes, maxNode)
            .WithHint("the nodes must exist on this host (see /sys/devices/system/node)");
    }
}
