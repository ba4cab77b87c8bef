using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using OciRuntime.Spec.Config;

namespace OciRuntime.Cgroups.Tests;

/// <summary>
/// For random linux.resources documents (any subset of fields, runc-valid values): every write
/// lands in the file family of the field it came from, and every set field produces its write.
/// </summary>
public class ResourceMappingProperties
{
    private static Gen<T?> Maybe<T>(Gen<T> g) where T : struct =>
        Gen.Frequency((1, Gen.Constant<T?>(null)), (2, g.Select(v => (T?)v)));

    private static Gen<T?> MaybeRef<T>(Gen<T> g) where T : class =>
        Gen.Frequency((1, Gen.Constant<T?>(null)), (2, g.Select(v => (T?)v)));

    private static readonly Gen<LinuxResources> Resources =
        from pids in MaybeRef(from l in Gen.Choose(-1, 5000) select new LinuxPids { Limit = l })
        from mem in MaybeRef(
            from limit in Gen.Elements(0L, -1L, 1L << 20, 64L << 20)
            from extraSwap in Gen.Elements(0L, 0L, 1L << 20)
            from res in Maybe(Gen.Elements(0L, -1L, 1L << 19))
            select new LinuxMemory { Limit = limit, Swap = limit > 0 && extraSwap > 0 ? limit + extraSwap : null, Reservation = res, Swappiness = 30 })
        from cpu in MaybeRef(
            from shares in Maybe(Gen.Choose(0, 300000).Select(x => (ulong)x))
            from quota in Maybe(Gen.Elements(-1L, 0L, 50000L))
            from period in Maybe(Gen.Elements(0UL, 100000UL))
            from burst in Maybe(Gen.Elements(0UL, 1000UL))
            from idle in Maybe(Gen.Elements(0L, 1L))
            from cpus in Gen.Elements<string?>(null, "", "0", "0-1")
            select new LinuxCpu { Shares = shares, Quota = quota, Period = period, Burst = burst, Idle = idle, Cpus = cpus, Mems = cpus })
        from io in MaybeRef(
            from w in Maybe(Gen.Choose(0, 1000).Select(x => (ushort)x))
            from n in Gen.Choose(0, 2)
            select new LinuxBlockIo { Weight = w, ThrottleReadBpsDevice = Enumerable.Range(0, n).Select(i => new LinuxThrottleDevice { Major = 8, Minor = i, Rate = 100 }).ToList() })
        from huge in Gen.Choose(0, 2)
        from unified in Gen.Choose(0, 2)
        select new LinuxResources
        {
            Pids = pids,
            Memory = mem,
            Cpu = cpu,
            BlockIo = io,
            HugepageLimits = Enumerable.Range(0, huge).Select(i => new LinuxHugepageLimit { PageSize = i == 0 ? "2MB" : "1GB", Limit = 1 << 21 }).ToList(),
            Unified = Enumerable.Range(0, unified).ToDictionary(i => $"memory.x{i}", i => "1"),
        };

    /// <summary>The file family of a config path: what any write coming from that field must touch.</summary>
    private static bool FileFits(string source, string file) => source switch
    {
        _ when source.StartsWith("linux.resources.pids", StringComparison.Ordinal) => file == "pids.max",
        _ when source.StartsWith("linux.resources.memory", StringComparison.Ordinal) => file is "memory.max" or "memory.low" or "memory.swap.max",
        "linux.resources.cpu.cpus" => file == "cpuset.cpus",
        "linux.resources.cpu.mems" => file == "cpuset.mems",
        _ when source.StartsWith("linux.resources.cpu", StringComparison.Ordinal) => file is "cpu.weight" or "cpu.max" or "cpu.max.burst" or "cpu.idle",
        _ when source.StartsWith("linux.resources.blockIO", StringComparison.Ordinal) => file is "io.weight" or "io.bfq.weight" or "io.max",
        _ when source.StartsWith("linux.resources.hugepageLimits", StringComparison.Ordinal) => file.StartsWith("hugetlb.", StringComparison.Ordinal) && file.EndsWith(".max", StringComparison.Ordinal),
        _ when source.StartsWith("linux.resources.unified", StringComparison.Ordinal) => source.Contains($"\"{file}\"", StringComparison.Ordinal),
        _ => false,
    };

    [Property(MaxTest = 500)]
    public Property Writes_LandInTheirFieldsFiles_AndSetFieldsAreWritten() =>
        Prop.ForAll(Resources.ToArbitrary(), r =>
        {
            var writes = ResourceWriter.Plan(r);
            bool fit = writes.All(w => FileFits(w.Source, w.File) && w.Value.Length > 0);
            var files = writes.Select(w => w.File).ToHashSet();
            bool complete =
                (r.Pids?.Limit is null || files.Contains("pids.max")) &&
                (r.Memory is not { Limit: long l } || l == 0 || files.Contains("memory.max")) &&
                (r.Cpu?.Shares is not ulong s || s == 0 || files.Contains("cpu.weight")) &&
                ((r.Cpu?.Quota ?? 0) == 0 && (r.Cpu?.Period ?? 0) == 0 || files.Contains("cpu.max")) &&
                (string.IsNullOrEmpty(r.Cpu?.Cpus) || files.Contains("cpuset.cpus")) &&
                (r.BlockIo?.Weight is not ushort w || w == 0 || files.Contains("io.weight")) &&
                writes.Count(x => x.File == "io.max") == (r.BlockIo?.ThrottleReadBpsDevice?.Count ?? 0) &&
                writes.Count(x => x.File.StartsWith("hugetlb.", StringComparison.Ordinal)) == 2 * r.HugepageLimits!.Count &&
                r.Unified!.Keys.All(files.Contains);
            return (fit && complete).Label(string.Join(", ", writes.Select(x => $"{x.Source}→{x.File}={x.Value}")));
        });
}
