using System;
using System.Collections.Generic;
using System.Text;
using System.Text.Json;
using OciRuntime.Spec.Config;

namespace OciRuntime.Spec.Loading;

/// <summary>
/// config.json read with Utf8JsonReader straight into the spec types. The source-generated
/// contract is correct but its first use in a process builds metadata for ~40 types (converters,
/// property lists, a custom-attribute search per type for polymorphism): 2.2 ms of a 12 ms `run`,
/// against ~0.1 ms for this reader. It accepts only what the contract reads the same way: a JSON
/// type, a null where the contract would refuse it, an out-of-range number or malformed JSON makes
/// it give up (null), and the caller parses with the contract, whose errors name the JSON path.
/// So every document this reader accepts gives the object the contract gives (Tests/Spec.Tests
/// FastReaderTests compares both), and every error still comes from one place.
/// </summary>
internal static class ConfigFastReader
{
    private sealed class GiveUp : Exception;

    private delegate T Element<T>(ref Utf8JsonReader r);

    public static OciConfig? TryParse(string json) => TryRead(json, Config);

    public static ProcessSpec? TryParseProcess(string json) => TryRead(json, Process);

    private static T? TryRead<T>(string json, Element<T> read) where T : class
    {
        try
        {
            byte[] utf8 = Encoding.UTF8.GetBytes(json);
            var r = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = 64 });
            if (!r.Read()) return null;
            T value = read(ref r);
            if (r.Read()) return null;   // anything after the document (the reader throws on most of it)
            return value;
        }
        catch (GiveUp) { return null; }
        catch (JsonException) { return null; }
        catch (InvalidOperationException) { return null; }   // a lone surrogate in a string, a wrong token
        catch (FormatException) { return null; }
    }

    private static OciConfig Config(ref Utf8JsonReader r)
    {
        var o = new OciConfig();
        Start(ref r);
        while (Next(ref r, out string name))
            switch (name)
            {
                case "ociVersion": o.OciVersion = Str(ref r); break;
                case "root": o.Root = Null(ref r) ? null : Root(ref r); break;
                case "mounts": o.Mounts = List(ref r, Mount); break;
                case "process": o.Process = Null(ref r) ? null : Process(ref r); break;
                case "hostname": o.Hostname = StrN(ref r); break;
                case "domainname": o.Domainname = StrN(ref r); break;
                case "hooks": o.Hooks = Null(ref r) ? null : Hooks(ref r); break;
                case "annotations": o.Annotations = Map(ref r, Str); break;
                case "linux": o.Linux = Null(ref r) ? null : Linux(ref r); break;
                default: r.Skip(); break;
            }
        return o;
    }

    private static RootSpec Root(ref Utf8JsonReader r)
    {
        var o = new RootSpec();
        Start(ref r);
        while (Next(ref r, out string name))
            switch (name)
            {
                case "path": o.Path = Str(ref r); break;
                case "readonly": o.Readonly = BoolN(ref r); break;
                default: r.Skip(); break;
            }
        return o;
    }

    private static MountSpec Mount(ref Utf8JsonReader r)
    {
        var o = new MountSpec();
        Start(ref r);
        while (Next(ref r, out string name))
            switch (name)
            {
                case "destination": o.Destination = Str(ref r); break;
                case "source": o.Source = StrN(ref r); break;
                case "type": o.Type = StrN(ref r); break;
                case "options": o.Options = List(ref r, Str); break;
                case "uidMappings": o.UidMappings = List(ref r, IdMapping); break;
                case "gidMappings": o.GidMappings = List(ref r, IdMapping); break;
                default: r.Skip(); break;
            }
        return o;
    }

    private static ProcessSpec Process(ref Utf8JsonReader r)
    {
        var o = new ProcessSpec();
        Start(ref r);
        while (Next(ref r, out string name))
            switch (name)
            {
                case "terminal": o.Terminal = BoolN(ref r); break;
                case "consoleSize": o.ConsoleSize = Null(ref r) ? null : ConsoleSize(ref r); break;
                case "user": o.User = User(ref r); break;
                case "args": o.Args = List(ref r, Str); break;
                case "commandLine": o.CommandLine = StrN(ref r); break;
                case "env": o.Env = List(ref r, Str); break;
                case "cwd": o.Cwd = Str(ref r); break;
                case "capabilities": o.Capabilities = Null(ref r) ? null : Capabilities(ref r); break;
                case "rlimits": o.Rlimits = List(ref r, Rlimit); break;
                case "noNewPrivileges": o.NoNewPrivileges = BoolN(ref r); break;
                case "apparmorProfile": o.ApparmorProfile = StrN(ref r); break;
                case "oomScoreAdj": o.OomScoreAdj = Null(ref r) ? null : I32(ref r); break;
                case "scheduler": o.Scheduler = Null(ref r) ? null : Scheduler(ref r); break;
                case "selinuxLabel": o.SelinuxLabel = StrN(ref r); break;
                case "ioPriority": o.IoPriority = Null(ref r) ? null : IoPriority(ref r); break;
                case "execCPUAffinity": o.ExecCpuAffinity = Null(ref r) ? null : CpuAffinity(ref r); break;
                default: r.Skip(); break;
            }
        return o;
    }

    private static ConsoleSize ConsoleSize(ref Utf8JsonReader r)
    {
        var o = new ConsoleSize();
        Start(ref r);
        while (Next(ref r, out string name))
            switch (name)
            {
                case "height": o.HeightJson = Null(ref r) ? null : U64(ref r); break;
                case "width": o.WidthJson = Null(ref r) ? null : U64(ref r); break;
                default: r.Skip(); break;
            }
        return o;
    }

    private static UserSpec User(ref Utf8JsonReader r)
    {
        var o = new UserSpec();
        Start(ref r);
        while (Next(ref r, out string name))
            switch (name)
            {
                case "uid": o.Uid = U32(ref r); break;
                case "gid": o.Gid = U32(ref r); break;
                case "umask": o.Umask = Null(ref r) ? null : U32(ref r); break;
                case "additionalGids": o.AdditionalGids = List(ref r, U32); break;
                case "username": o.Username = StrN(ref r); break;
                default: r.Skip(); break;
            }
        return o;
    }

    private static LinuxCapabilities Capabilities(ref Utf8JsonReader r)
    {
        var o = new LinuxCapabilities();
        Start(ref r);
        while (Next(ref r, out string name))
            switch (name)
            {
                case "bounding": o.Bounding = List(ref r, Str); break;
                case "effective": o.Effective = List(ref r, Str); break;
                case "inheritable": o.Inheritable = List(ref r, Str); break;
                case "permitted": o.Permitted = List(ref r, Str); break;
                case "ambient": o.Ambient = List(ref r, Str); break;
                default: r.Skip(); break;
            }
        return o;
    }

    private static PosixRlimit Rlimit(ref Utf8JsonReader r)
    {
        var o = new PosixRlimit();
        Start(ref r);
        while (Next(ref r, out string name))
            switch (name)
            {
                case "type": o.Type = Str(ref r); break;
                case "soft": o.SoftJson = Null(ref r) ? null : U64(ref r); break;
                case "hard": o.HardJson = Null(ref r) ? null : U64(ref r); break;
                default: r.Skip(); break;
            }
        return o;
    }

    private static SchedulerSpec Scheduler(ref Utf8JsonReader r)
    {
        var o = new SchedulerSpec();
        Start(ref r);
        while (Next(ref r, out string name))
            switch (name)
            {
                case "policy": o.Policy = Str(ref r); break;
                case "nice": o.Nice = Null(ref r) ? null : I32(ref r); break;
                case "priority": o.Priority = Null(ref r) ? null : I32(ref r); break;
                case "flags": o.Flags = List(ref r, Str); break;
                case "runtime": o.Runtime = Null(ref r) ? null : U64(ref r); break;
                case "deadline": o.Deadline = Null(ref r) ? null : U64(ref r); break;
                case "period": o.Period = Null(ref r) ? null : U64(ref r); break;
                default: r.Skip(); break;
            }
        return o;
    }

    private static IoPrioritySpec IoPriority(ref Utf8JsonReader r)
    {
        var o = new IoPrioritySpec();
        Start(ref r);
        while (Next(ref r, out string name))
            switch (name)
            {
                case "class": o.Class = Str(ref r); break;
                case "priority": o.Priority = I32(ref r); break;
                default: r.Skip(); break;
            }
        return o;
    }

    private static CpuAffinitySpec CpuAffinity(ref Utf8JsonReader r)
    {
        var o = new CpuAffinitySpec();
        Start(ref r);
        while (Next(ref r, out string name))
            switch (name)
            {
                case "initial": o.Initial = StrN(ref r); break;
                case "final": o.Final = StrN(ref r); break;
                default: r.Skip(); break;
            }
        return o;
    }

    private static HooksSpec Hooks(ref Utf8JsonReader r)
    {
        var o = new HooksSpec();
        Start(ref r);
        while (Next(ref r, out string name))
            switch (name)
            {
                case "prestart": o.Prestart = List(ref r, Hook); break;
                case "createRuntime": o.CreateRuntime = List(ref r, Hook); break;
                case "createContainer": o.CreateContainer = List(ref r, Hook); break;
                case "startContainer": o.StartContainer = List(ref r, Hook); break;
                case "poststart": o.Poststart = List(ref r, Hook); break;
                case "poststop": o.Poststop = List(ref r, Hook); break;
                default: r.Skip(); break;
            }
        return o;
    }

    private static HookSpec Hook(ref Utf8JsonReader r)
    {
        var o = new HookSpec();
        Start(ref r);
        while (Next(ref r, out string name))
            switch (name)
            {
                case "path": o.Path = Str(ref r); break;
                case "args": o.Args = List(ref r, Str); break;
                case "env": o.Env = List(ref r, Str); break;
                case "timeout": o.Timeout = Null(ref r) ? null : I32(ref r); break;
                default: r.Skip(); break;
            }
        return o;
    }

    private static LinuxSpec Linux(ref Utf8JsonReader r)
    {
        var o = new LinuxSpec();
        Start(ref r);
        while (Next(ref r, out string name))
            switch (name)
            {
                case "namespaces": o.Namespaces = List(ref r, Namespace); break;
                case "uidMappings": o.UidMappings = List(ref r, IdMapping); break;
                case "gidMappings": o.GidMappings = List(ref r, IdMapping); break;
                case "timeOffsets": o.TimeOffsets = Map(ref r, TimeOffset); break;
                case "devices": o.Devices = List(ref r, Device); break;
                case "netDevices": o.NetDevices = Map(ref r, NetDevice); break;
                case "cgroupsPath": o.CgroupsPath = StrN(ref r); break;
                case "resources": o.Resources = Null(ref r) ? null : Resources(ref r); break;
                case "intelRdt": o.IntelRdt = Null(ref r) ? null : IntelRdt(ref r); break;
                case "sysctl": o.Sysctl = Map(ref r, Str); break;
                case "seccomp": o.Seccomp = Null(ref r) ? null : Seccomp(ref r); break;
                case "rootfsPropagation": o.RootfsPropagation = StrN(ref r); break;
                case "maskedPaths": o.MaskedPaths = List(ref r, Str); break;
                case "readonlyPaths": o.ReadonlyPaths = List(ref r, Str); break;
                case "mountLabel": o.MountLabel = StrN(ref r); break;
                case "personality": o.Personality = Null(ref r) ? null : Personality(ref r); break;
                case "memoryPolicy": o.MemoryPolicy = Null(ref r) ? null : MemoryPolicy(ref r); break;
                default: r.Skip(); break;
            }
        return o;
    }

    private static LinuxNamespace Namespace(ref Utf8JsonReader r)
    {
        var o = new LinuxNamespace();
        Start(ref r);
        while (Next(ref r, out string name))
            switch (name)
            {
                case "type": o.Type = Str(ref r); break;
                case "path": o.Path = StrN(ref r); break;
                default: r.Skip(); break;
            }
        return o;
    }

    private static LinuxIdMapping IdMapping(ref Utf8JsonReader r)
    {
        var o = new LinuxIdMapping();
        Start(ref r);
        while (Next(ref r, out string name))
            switch (name)
            {
                case "containerID": o.ContainerIdJson = Null(ref r) ? null : U32(ref r); break;
                case "hostID": o.HostIdJson = Null(ref r) ? null : U32(ref r); break;
                case "size": o.SizeJson = Null(ref r) ? null : U32(ref r); break;
                default: r.Skip(); break;
            }
        return o;
    }

    private static LinuxTimeOffset TimeOffset(ref Utf8JsonReader r)
    {
        var o = new LinuxTimeOffset();
        Start(ref r);
        while (Next(ref r, out string name))
            switch (name)
            {
                case "secs": o.Secs = Null(ref r) ? null : I64(ref r); break;
                case "nanosecs": o.Nanosecs = Null(ref r) ? null : U32(ref r); break;
                default: r.Skip(); break;
            }
        return o;
    }

    private static LinuxDevice Device(ref Utf8JsonReader r)
    {
        var o = new LinuxDevice();
        Start(ref r);
        while (Next(ref r, out string name))
            switch (name)
            {
                case "type": o.Type = Str(ref r); break;
                case "path": o.Path = Str(ref r); break;
                case "major": o.Major = Null(ref r) ? null : I64(ref r); break;
                case "minor": o.Minor = Null(ref r) ? null : I64(ref r); break;
                case "fileMode": o.FileMode = Null(ref r) ? null : U32(ref r); break;
                case "uid": o.Uid = Null(ref r) ? null : U32(ref r); break;
                case "gid": o.Gid = Null(ref r) ? null : U32(ref r); break;
                default: r.Skip(); break;
            }
        return o;
    }

    private static LinuxNetDevice NetDevice(ref Utf8JsonReader r)
    {
        var o = new LinuxNetDevice();
        Start(ref r);
        while (Next(ref r, out string name))
            switch (name)
            {
                case "name": o.Name = StrN(ref r); break;
                default: r.Skip(); break;
            }
        return o;
    }

    private static LinuxIntelRdt IntelRdt(ref Utf8JsonReader r)
    {
        var o = new LinuxIntelRdt();
        Start(ref r);
        while (Next(ref r, out string name))
            switch (name)
            {
                case "closID": o.ClosId = StrN(ref r); break;
                case "schemata": o.Schemata = List(ref r, Str); break;
                case "l3CacheSchema": o.L3CacheSchema = StrN(ref r); break;
                case "memBwSchema": o.MemBwSchema = StrN(ref r); break;
                case "enableMonitoring": o.EnableMonitoring = BoolN(ref r); break;
                default: r.Skip(); break;
            }
        return o;
    }

    private static LinuxPersonality Personality(ref Utf8JsonReader r)
    {
        var o = new LinuxPersonality();
        Start(ref r);
        while (Next(ref r, out string name))
            switch (name)
            {
                case "domain": o.Domain = Str(ref r); break;
                case "flags": o.Flags = List(ref r, Str); break;
                default: r.Skip(); break;
            }
        return o;
    }

    private static LinuxMemoryPolicy MemoryPolicy(ref Utf8JsonReader r)
    {
        var o = new LinuxMemoryPolicy();
        Start(ref r);
        while (Next(ref r, out string name))
            switch (name)
            {
                case "mode": o.Mode = Str(ref r); break;
                case "nodes": o.Nodes = StrN(ref r); break;
                case "flags": o.Flags = List(ref r, Str); break;
                default: r.Skip(); break;
            }
        return o;
    }

    private static LinuxSeccomp Seccomp(ref Utf8JsonReader r)
    {
        var o = new LinuxSeccomp();
        Start(ref r);
        while (Next(ref r, out string name))
            switch (name)
            {
                case "defaultAction": o.DefaultAction = Str(ref r); break;
                case "defaultErrnoRet": o.DefaultErrnoRet = Null(ref r) ? null : U32(ref r); break;
                case "architectures": o.Architectures = List(ref r, Str); break;
                case "flags": o.Flags = List(ref r, Str); break;
                case "listenerPath": o.ListenerPath = StrN(ref r); break;
                case "listenerMetadata": o.ListenerMetadata = StrN(ref r); break;
                case "syscalls": o.Syscalls = List(ref r, Syscall); break;
                default: r.Skip(); break;
            }
        return o;
    }

    private static LinuxSyscall Syscall(ref Utf8JsonReader r)
    {
        var o = new LinuxSyscall();
        Start(ref r);
        while (Next(ref r, out string name))
            switch (name)
            {
                case "names": o.Names = List(ref r, Str) ?? throw new GiveUp(); break;
                case "action": o.Action = Str(ref r); break;
                case "errnoRet": o.ErrnoRet = Null(ref r) ? null : U32(ref r); break;
                case "args": o.Args = List(ref r, SeccompArg); break;
                default: r.Skip(); break;
            }
        return o;
    }

    private static LinuxSeccompArg SeccompArg(ref Utf8JsonReader r)
    {
        var o = new LinuxSeccompArg();
        Start(ref r);
        while (Next(ref r, out string name))
            switch (name)
            {
                case "index": o.Index = U32(ref r); break;
                case "value": o.Value = U64(ref r); break;
                case "valueTwo": o.ValueTwo = U64(ref r); break;
                case "op": o.Op = Str(ref r); break;
                default: r.Skip(); break;
            }
        return o;
    }

    private static LinuxResources Resources(ref Utf8JsonReader r)
    {
        var o = new LinuxResources();
        Start(ref r);
        while (Next(ref r, out string name))
            switch (name)
            {
                case "devices": o.Devices = List(ref r, DeviceCgroup); break;
                case "memory": o.Memory = Null(ref r) ? null : Memory(ref r); break;
                case "cpu": o.Cpu = Null(ref r) ? null : Cpu(ref r); break;
                case "pids": o.Pids = Null(ref r) ? null : Pids(ref r); break;
                case "blockIO": o.BlockIo = Null(ref r) ? null : BlockIo(ref r); break;
                case "hugepageLimits": o.HugepageLimits = List(ref r, Hugepage); break;
                case "network": o.Network = Null(ref r) ? null : Network(ref r); break;
                case "rdma": o.Rdma = Map(ref r, Rdma); break;
                case "unified": o.Unified = Map(ref r, Str); break;
                default: r.Skip(); break;
            }
        return o;
    }

    private static LinuxDeviceCgroup DeviceCgroup(ref Utf8JsonReader r)
    {
        var o = new LinuxDeviceCgroup();
        Start(ref r);
        while (Next(ref r, out string name))
            switch (name)
            {
                case "allow": o.AllowJson = BoolN(ref r); break;
                case "type": o.Type = StrN(ref r); break;
                case "major": o.Major = Null(ref r) ? null : I64(ref r); break;
                case "minor": o.Minor = Null(ref r) ? null : I64(ref r); break;
                case "access": o.Access = StrN(ref r); break;
                default: r.Skip(); break;
            }
        return o;
    }

    private static LinuxMemory Memory(ref Utf8JsonReader r)
    {
        var o = new LinuxMemory();
        Start(ref r);
        while (Next(ref r, out string name))
            switch (name)
            {
                case "limit": o.Limit = Null(ref r) ? null : I64(ref r); break;
                case "reservation": o.Reservation = Null(ref r) ? null : I64(ref r); break;
                case "swap": o.Swap = Null(ref r) ? null : I64(ref r); break;
                case "kernel": o.Kernel = Null(ref r) ? null : I64(ref r); break;
                case "kernelTCP": o.KernelTcp = Null(ref r) ? null : I64(ref r); break;
                case "swappiness": o.Swappiness = Null(ref r) ? null : U64(ref r); break;
                case "disableOOMKiller": o.DisableOomKiller = BoolN(ref r); break;
                case "useHierarchy": o.UseHierarchy = BoolN(ref r); break;
                case "checkBeforeUpdate": o.CheckBeforeUpdate = BoolN(ref r); break;
                default: r.Skip(); break;
            }
        return o;
    }

    private static LinuxCpu Cpu(ref Utf8JsonReader r)
    {
        var o = new LinuxCpu();
        Start(ref r);
        while (Next(ref r, out string name))
            switch (name)
            {
                case "shares": o.Shares = Null(ref r) ? null : U64(ref r); break;
                case "quota": o.Quota = Null(ref r) ? null : I64(ref r); break;
                case "burst": o.Burst = Null(ref r) ? null : U64(ref r); break;
                case "period": o.Period = Null(ref r) ? null : U64(ref r); break;
                case "realtimeRuntime": o.RealtimeRuntime = Null(ref r) ? null : I64(ref r); break;
                case "realtimePeriod": o.RealtimePeriod = Null(ref r) ? null : U64(ref r); break;
                case "cpus": o.Cpus = StrN(ref r); break;
                case "mems": o.Mems = StrN(ref r); break;
                case "idle": o.Idle = Null(ref r) ? null : I64(ref r); break;
                default: r.Skip(); break;
            }
        return o;
    }

    private static LinuxPids Pids(ref Utf8JsonReader r)
    {
        var o = new LinuxPids();
        Start(ref r);
        while (Next(ref r, out string name))
            switch (name)
            {
                case "limit": o.Limit = Null(ref r) ? null : I64(ref r); break;
                default: r.Skip(); break;
            }
        return o;
    }

    private static LinuxBlockIo BlockIo(ref Utf8JsonReader r)
    {
        var o = new LinuxBlockIo();
        Start(ref r);
        while (Next(ref r, out string name))
            switch (name)
            {
                case "weight": o.Weight = Null(ref r) ? null : U16(ref r); break;
                case "leafWeight": o.LeafWeight = Null(ref r) ? null : U16(ref r); break;
                case "weightDevice": o.WeightDevice = List(ref r, WeightDevice); break;
                case "throttleReadBpsDevice": o.ThrottleReadBpsDevice = List(ref r, ThrottleDevice); break;
                case "throttleWriteBpsDevice": o.ThrottleWriteBpsDevice = List(ref r, ThrottleDevice); break;
                case "throttleReadIOPSDevice": o.ThrottleReadIopsDevice = List(ref r, ThrottleDevice); break;
                case "throttleWriteIOPSDevice": o.ThrottleWriteIopsDevice = List(ref r, ThrottleDevice); break;
                default: r.Skip(); break;
            }
        return o;
    }

    private static LinuxWeightDevice WeightDevice(ref Utf8JsonReader r)
    {
        var o = new LinuxWeightDevice();
        Start(ref r);
        while (Next(ref r, out string name))
            switch (name)
            {
                case "major": o.MajorJson = Null(ref r) ? null : I64(ref r); break;
                case "minor": o.MinorJson = Null(ref r) ? null : I64(ref r); break;
                case "weight": o.Weight = Null(ref r) ? null : U16(ref r); break;
                case "leafWeight": o.LeafWeight = Null(ref r) ? null : U16(ref r); break;
                default: r.Skip(); break;
            }
        return o;
    }

    private static LinuxThrottleDevice ThrottleDevice(ref Utf8JsonReader r)
    {
        var o = new LinuxThrottleDevice();
        Start(ref r);
        while (Next(ref r, out string name))
            switch (name)
            {
                case "major": o.MajorJson = Null(ref r) ? null : I64(ref r); break;
                case "minor": o.MinorJson = Null(ref r) ? null : I64(ref r); break;
                case "rate": o.RateJson = Null(ref r) ? null : U64(ref r); break;
                default: r.Skip(); break;
            }
        return o;
    }

    private static LinuxHugepageLimit Hugepage(ref Utf8JsonReader r)
    {
        var o = new LinuxHugepageLimit();
        Start(ref r);
        while (Next(ref r, out string name))
            switch (name)
            {
                case "pageSize": o.PageSize = Str(ref r); break;
                case "limit": o.LimitJson = Null(ref r) ? null : U64(ref r); break;
                default: r.Skip(); break;
            }
        return o;
    }

    private static LinuxNetwork Network(ref Utf8JsonReader r)
    {
        var o = new LinuxNetwork();
        Start(ref r);
        while (Next(ref r, out string name))
            switch (name)
            {
                case "classID": o.ClassId = Null(ref r) ? null : U32(ref r); break;
                case "priorities": o.Priorities = List(ref r, InterfacePriority); break;
                default: r.Skip(); break;
            }
        return o;
    }

    private static LinuxInterfacePriority InterfacePriority(ref Utf8JsonReader r)
    {
        var o = new LinuxInterfacePriority();
        Start(ref r);
        while (Next(ref r, out string name))
            switch (name)
            {
                case "name": o.Name = Str(ref r); break;
                case "priority": o.PriorityJson = Null(ref r) ? null : U32(ref r); break;
                default: r.Skip(); break;
            }
        return o;
    }

    private static LinuxRdma Rdma(ref Utf8JsonReader r)
    {
        var o = new LinuxRdma();
        Start(ref r);
        while (Next(ref r, out string name))
            switch (name)
            {
                case "hcaHandles": o.HcaHandles = Null(ref r) ? null : U32(ref r); break;
                case "hcaObjects": o.HcaObjects = Null(ref r) ? null : U32(ref r); break;
                default: r.Skip(); break;
            }
        return o;
    }

    // ---- tokens. Each accepts exactly the token the contract reads into that type, else gives up.

    private static void Start(ref Utf8JsonReader r)
    {
        if (r.TokenType != JsonTokenType.StartObject) throw new GiveUp();
    }

    /// <summary>The next property's name, with the reader on its value; false at the object's end.</summary>
    private static bool Next(ref Utf8JsonReader r, out string name)
    {
        if (!r.Read()) throw new GiveUp();
        if (r.TokenType == JsonTokenType.EndObject) { name = ""; return false; }
        if (r.TokenType != JsonTokenType.PropertyName) throw new GiveUp();
        name = r.GetString()!;
        if (!r.Read()) throw new GiveUp();
        return true;
    }

    private static bool Null(ref Utf8JsonReader r) => r.TokenType == JsonTokenType.Null;

    private static string Str(ref Utf8JsonReader r) =>
        r.TokenType == JsonTokenType.String ? r.GetString()! : throw new GiveUp();

    private static string? StrN(ref Utf8JsonReader r) => Null(ref r) ? null : Str(ref r);

    private static bool? BoolN(ref Utf8JsonReader r) => r.TokenType switch
    {
        JsonTokenType.True => true,
        JsonTokenType.False => false,
        JsonTokenType.Null => null,
        _ => throw new GiveUp(),
    };

    private static uint U32(ref Utf8JsonReader r) =>
        r.TokenType == JsonTokenType.Number && r.TryGetUInt32(out uint v) ? v : throw new GiveUp();

    private static int I32(ref Utf8JsonReader r) =>
        r.TokenType == JsonTokenType.Number && r.TryGetInt32(out int v) ? v : throw new GiveUp();

    private static long I64(ref Utf8JsonReader r) =>
        r.TokenType == JsonTokenType.Number && r.TryGetInt64(out long v) ? v : throw new GiveUp();

    private static ulong U64(ref Utf8JsonReader r) =>
        r.TokenType == JsonTokenType.Number && r.TryGetUInt64(out ulong v) ? v : throw new GiveUp();

    private static ushort U16(ref Utf8JsonReader r) =>
        r.TokenType == JsonTokenType.Number && r.TryGetUInt16(out ushort v) ? v : throw new GiveUp();

    /// <summary>A list, or null for JSON null; a null element gives up (the contract's rules for those differ by type).</summary>
    private static List<T>? List<T>(ref Utf8JsonReader r, Element<T> element)
    {
        if (Null(ref r)) return null;
        if (r.TokenType != JsonTokenType.StartArray) throw new GiveUp();
        var list = new List<T>();
        while (true)
        {
            if (!r.Read()) throw new GiveUp();
            if (r.TokenType == JsonTokenType.EndArray) return list;
            if (r.TokenType == JsonTokenType.Null) throw new GiveUp();
            list.Add(element(ref r));
        }
    }

    /// <summary>A map, or null for JSON null; a null value or a repeated key gives up.</summary>
    private static Dictionary<string, T>? Map<T>(ref Utf8JsonReader r, Element<T> value)
    {
        if (Null(ref r)) return null;
        if (r.TokenType != JsonTokenType.StartObject) throw new GiveUp();
        var map = new Dictionary<string, T>();
        while (Next(ref r, out string key))
        {
            if (r.TokenType == JsonTokenType.Null || map.ContainsKey(key)) throw new GiveUp();
            map[key] = value(ref r);
        }
        return map;
    }
}
