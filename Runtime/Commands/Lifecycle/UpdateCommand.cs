using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text.Json;
using OciRuntime.Cli;
using OciRuntime.Errors;
using OciRuntime.Spec.Config;
using OciRuntime.Spec.Json;
using OciRuntime.State;

namespace OciRuntime.Commands;

/// <summary>
/// `update [--resources FILE|-] [flags] ID`: changes a live container's cgroup limits. The
/// resources document is config-linux.md's linux.resources; runc's individual flags set single
/// fields (runc ignores them when --resources is given; here they override the document's
/// fields, so nothing the caller typed is silently dropped). Only what is set is written; a
/// devices list, if present, replaces the device filter.
/// </summary>
public sealed class UpdateCommand : ICommand
{
    public string Name => "update";
    public string Usage => "update [command options] <container-id>";
    public string Summary => "change the resource limits of a running container";

    public IReadOnlyList<OptionSpec> Options { get; } = new[]
    {
        OptionSpec.Value("resources", "r"),
        OptionSpec.Value("blkio-weight"),
        OptionSpec.Value("cpu-period"),
        OptionSpec.Value("cpu-quota"),
        OptionSpec.Value("cpu-share", "cpu-shares"),
        OptionSpec.Value("cpu-rt-period"),
        OptionSpec.Value("cpu-rt-runtime"),
        OptionSpec.Value("cpuset-cpus"),
        OptionSpec.Value("cpuset-mems"),
        OptionSpec.Value("kernel-memory"),
        OptionSpec.Value("kernel-memory-tcp"),
        OptionSpec.Value("memory"),
        OptionSpec.Value("memory-reservation"),
        OptionSpec.Value("memory-swap"),
        OptionSpec.Value("pids-limit"),
        OptionSpec.Value("l3-cache-schema"),
        OptionSpec.Value("mem-bw-schema"),
    };

    public int Run(GlobalOptions global, ParsedArgs args)
    {
        string id = CommandArgs.RequireId(args, Name);
        LinuxResources r = ReadResources(args.Value("resources"));
        ApplyFlags(args, r);

        var store = new StateStore(global.Root);
        using IdLock idLock = IdLock.AcquireExisting(store, id);
        ContainerRecord rec = store.Load(id);
        if (ContainerStatusReader.Read(store, rec) == ContainerStatus.Stopped)
            throw new RuntimeException($"cannot update container {id}: it is stopped");
        foreach (string warning in Cgroups.DeviceRule.AccessWarnings(r.Devices)) Logging.RuntimeLog.Warning(warning);
        if (ContainerCgroup.Update(rec, r) is string skipped) Logging.RuntimeLog.Warning(skipped);
        return 0;
    }

    private static LinuxResources ReadResources(string? path)
    {
        if (path is null) return new LinuxResources();
        byte[] json;
        try
        {
            if (path == "-")
            {
                using Stream stdin = Console.OpenStandardInput();
                using var ms = new MemoryStream();
                stdin.CopyTo(ms);
                json = ms.ToArray();
            }
            else json = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RuntimeException($"update --resources {path}: cannot read it: {e.Message}");
        }
        try
        {
            return JsonSerializer.Deserialize(json, SpecJsonContext.Default.LinuxResources)
                   ?? throw new RuntimeException($"update --resources {path}: the document is null (give a linux.resources object)");
        }
        catch (JsonException e)
        {
            throw new RuntimeException($"update --resources {(path == "-" ? "(stdin)" : path)}: not a linux.resources JSON object: {e.Message}");
        }
    }

    private static void ApplyFlags(ParsedArgs a, LinuxResources r)
    {
        if (a.Value("l3-cache-schema") is not null || a.Value("mem-bw-schema") is not null)
            throw new RuntimeException("update: --l3-cache-schema/--mem-bw-schema: Intel RDT is not supported by this runtime");
        if (a.Value("blkio-weight") is { } bw) (r.BlockIo ??= new LinuxBlockIo()).Weight = checked((ushort)Unsigned(bw, "blkio-weight", ushort.MaxValue));
        if (a.Value("cpu-period") is { } cp) (r.Cpu ??= new LinuxCpu()).Period = Unsigned(cp, "cpu-period", ulong.MaxValue);
        if (a.Value("cpu-quota") is { } cq) (r.Cpu ??= new LinuxCpu()).Quota = Signed(cq, "cpu-quota");
        if (a.Value("cpu-share") is { } cs) (r.Cpu ??= new LinuxCpu()).Shares = Unsigned(cs, "cpu-share", ulong.MaxValue);
        if (a.Value("cpu-rt-period") is { } rp) (r.Cpu ??= new LinuxCpu()).RealtimePeriod = Unsigned(rp, "cpu-rt-period", ulong.MaxValue);
        if (a.Value("cpu-rt-runtime") is { } rr) (r.Cpu ??= new LinuxCpu()).RealtimeRuntime = Signed(rr, "cpu-rt-runtime");
        if (a.Value("cpuset-cpus") is { } cc) (r.Cpu ??= new LinuxCpu()).Cpus = cc;
        if (a.Value("cpuset-mems") is { } cm) (r.Cpu ??= new LinuxCpu()).Mems = cm;
        if (a.Value("kernel-memory") is { } km) (r.Memory ??= new LinuxMemory()).Kernel = Bytes(km, "kernel-memory");
        if (a.Value("kernel-memory-tcp") is { } kt) (r.Memory ??= new LinuxMemory()).KernelTcp = Bytes(kt, "kernel-memory-tcp");
        if (a.Value("memory") is { } m) (r.Memory ??= new LinuxMemory()).Limit = Bytes(m, "memory");
        if (a.Value("memory-reservation") is { } mr) (r.Memory ??= new LinuxMemory()).Reservation = Bytes(mr, "memory-reservation");
        if (a.Value("memory-swap") is { } ms) (r.Memory ??= new LinuxMemory()).Swap = Bytes(ms, "memory-swap");
        if (a.Value("pids-limit") is { } pl) (r.Pids ??= new LinuxPids()).Limit = Signed(pl, "pids-limit");
    }

    private static ulong Unsigned(string v, string flag, ulong max)
    {
        if (!ulong.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out ulong n) || n > max)
            throw new UsageException($"invalid value \"{v}\" for flag --{flag}: not an unsigned integer up to {max}");
        return n;
    }

    private static long Signed(string v, string flag)
    {
        if (!long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long n))
            throw new UsageException($"invalid value \"{v}\" for flag --{flag}: not an integer");
        return n;
    }

    /// <summary>
    /// Docker's units.RAMInBytes, which runc uses for the memory flags: "-1", or a number with an
    /// optional binary unit b, k, m, g, t, p (case-insensitive, optional trailing "b"/"ib").
    /// </summary>
    public static long Bytes(string v, string flag)
    {
        string s = v.Trim();
        if (s == "-1") return -1;
        int i = 0;
        while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.')) i++;
        string unit = s.Substring(i).Trim().ToLowerInvariant();
        if (i == 0 || !double.TryParse(s.AsSpan(0, i), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double num))
            throw new UsageException($"invalid value \"{v}\" for flag --{flag}: not a size (e.g. 512m, 1g, -1)");
        if (unit.EndsWith("ib", StringComparison.Ordinal)) unit = unit.Substring(0, unit.Length - 2);
        else if (unit.Length == 2 && unit[1] == 'b') unit = unit.Substring(0, 1);
        int shift = unit switch
        {
            "" or "b" => 0,
            "k" => 10,
            "m" => 20,
            "g" => 30,
            "t" => 40,
            "p" => 50,
            _ => throw new UsageException($"invalid value \"{v}\" for flag --{flag}: unknown unit \"{unit}\" (use b, k, m, g, t, p)"),
        };
        double bytes = num * Math.Pow(2, shift);
        if (bytes > long.MaxValue) throw new UsageException($"invalid value \"{v}\" for flag --{flag}: too large");
        return (long)bytes;
    }
}
