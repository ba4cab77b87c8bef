using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using OciRuntime.Spec.Config;

namespace OciRuntime.Cgroups;

/// <summary>
/// Weights (cpu.shares, blockIO.weight, blockIO.weightDevice) whose controller the unified
/// hierarchy cannot offer are left out, with one warning, instead of failing the container.
/// A weight is a relative priority under contention, not a limit: running without it gives the
/// container the default share, and no workload depends on it for safety. That is what makes
/// Kubernetes pods run on a hybrid host (containerd puts cpu.shares 2 into every sandbox and
/// kubelet proportional shares into every container), while hard limits (memory, pids, cpu quota,
/// cpuset, io.max) stay refused: dropping one would silently lift a limit somebody relies on.
///
/// On a hybrid host every weight of a controller bound to v1 is skipped. On a unified host a
/// missing controller is a delegation problem, so only cpu.shares 1024 (cgroup v1's default, which
/// ctr writes into every spec and which asks for nothing) is skipped; anything else still fails.
/// </summary>
public static class SoftWeights
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>
    /// <paramref name="r"/> without the weights the hierarchy at <paramref name="mount"/> cannot
    /// apply (a copy; <paramref name="r"/> itself is never changed), and the warning naming them,
    /// or null when nothing was skipped.
    /// </summary>
    public static LinuxResources Without(string mount, LinuxResources r, out string? warning) =>
        Without(mount, !CgroupMount.IsPureV2(mount), r, out warning);

    /// <summary><see cref="Without(string, LinuxResources, out string?)"/> with the host's mode given (tests).</summary>
    public static LinuxResources Without(string mount, bool hybrid, LinuxResources r, out string? warning)
    {
        HashSet<string> have = CgroupControllers.Read(Path.Combine(mount.TrimEnd('/'), "cgroup.controllers"));
        var skipped = new List<string>();
        var missing = new SortedSet<string>(System.StringComparer.Ordinal);

        LinuxCpu? cpu = r.Cpu;
        if (cpu?.Shares is ulong shares && shares != 0 && !have.Contains("cpu") && (hybrid || shares == 1024))
        {
            skipped.Add($"linux.resources.cpu.shares ({shares.ToString(Inv)})");
            missing.Add("cpu");
            cpu = CopyOf(cpu);
            cpu.Shares = null;
        }

        LinuxBlockIo? io = r.BlockIo;
        if (io is not null && hybrid && !have.Contains("io"))
        {
            bool weight = io.Weight is ushort w && w != 0;
            bool perDevice = io.WeightDevice is { Count: > 0 };
            if (weight) skipped.Add($"linux.resources.blockIO.weight ({io.Weight!.Value.ToString(Inv)})");
            if (perDevice) skipped.Add($"linux.resources.blockIO.weightDevice ({io.WeightDevice!.Count.ToString(Inv)} device(s))");
            if (weight || perDevice)
            {
                missing.Add("io");
                io = CopyOf(io);
                io.Weight = null;
                io.WeightDevice = null;
            }
        }

        if (skipped.Count == 0)
        {
            warning = null;
            return r;
        }
        string controllers = string.Join(", ", missing);
        warning = hybrid
            ? $"{string.Join(", ", skipped)}: not applied: this host's cgroups are hybrid and the {controllers} controller(s) are bound to cgroup v1, " +
              $"which oci-runtime does not manage (cgroup v2 at {mount} has only: {Offered(have)}); a weight is a relative priority, not a limit, " +
              "so the container runs with the default share (hard limits are still refused)"
            : $"{string.Join(", ", skipped)}: not applied: cgroup v1's default share, and the {controllers} controller is not available at {mount}";
        return new LinuxResources
        {
            Devices = r.Devices,
            Memory = r.Memory,
            Cpu = cpu,
            Pids = r.Pids,
            BlockIo = io,
            HugepageLimits = r.HugepageLimits,
            Network = r.Network,
            Rdma = r.Rdma,
            Unified = r.Unified,
        };
    }

    private static string Offered(HashSet<string> have) =>
        have.Count == 0 ? "none" : string.Join(' ', have.OrderBy(x => x, System.StringComparer.Ordinal));

    private static LinuxCpu CopyOf(LinuxCpu c) => new()
    {
        Shares = c.Shares,
        Quota = c.Quota,
        Burst = c.Burst,
        Period = c.Period,
        RealtimeRuntime = c.RealtimeRuntime,
        RealtimePeriod = c.RealtimePeriod,
        Cpus = c.Cpus,
        Mems = c.Mems,
        Idle = c.Idle,
    };

    private static LinuxBlockIo CopyOf(LinuxBlockIo b) => new()
    {
        Weight = b.Weight,
        LeafWeight = b.LeafWeight,
        WeightDevice = b.WeightDevice,
        ThrottleReadBpsDevice = b.ThrottleReadBpsDevice,
        ThrottleWriteBpsDevice = b.ThrottleWriteBpsDevice,
        ThrottleReadIopsDevice = b.ThrottleReadIopsDevice,
        ThrottleWriteIopsDevice = b.ThrottleWriteIopsDevice,
    };
}
