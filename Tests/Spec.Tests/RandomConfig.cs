using OciRuntime.Spec.Config;

namespace OciRuntime.Spec.Tests;

/// <summary>
/// Builds an arbitrary <see cref="OciConfig"/> from a seed: every member of the model is
/// sometimes absent, sometimes present with edge values (0, -1, max, unicode, escapes).
/// The values need not be valid for the spec; they only have to survive JSON.
/// FsCheck supplies the seed, so a failing case is reported and replayable by its seed.
/// </summary>
internal sealed class RandomConfig
{
    private readonly Random _r;

    private RandomConfig(int seed) { _r = new Random(seed); }

    public static OciConfig Create(int seed) => new RandomConfig(seed).Config();

    private static readonly string[] Interesting =
    {
        "", "a", "rootfs", "/", "/dev/null", "quote\"d", "back\\slash", "tab\tnew\nline", "ünïcødé ✓", "emoji 😀",
        "<html>&amp;", "'single'", "\u0001ctl", "   ", "pid", "CAP_KILL", "RLIMIT_NOFILE", "net.ipv4.ip_forward", "%d",
    };

    private bool Coin(double p = 0.5) => _r.NextDouble() < p;

    private T? Maybe<T>(Func<T> make) where T : class => Coin(0.6) ? make() : null;
    private T? MaybeV<T>(Func<T> make) where T : struct => Coin(0.6) ? make() : null;

    private string Str()
    {
        if (Coin(0.6)) return Interesting[_r.Next(Interesting.Length)];
        int len = _r.Next(0, 12);
        var chars = new char[len];
        for (int i = 0; i < len; i++)
        {
            // Any BMP character except surrogates: lone surrogates are not valid text.
            char c;
            do c = (char)_r.Next(0, 0xFFFF); while (char.IsSurrogate(c));
            chars[i] = c;
        }
        return new string(chars);
    }

    private List<T> List<T>(Func<T> make)
    {
        int n = _r.Next(0, 4);
        var l = new List<T>(n);
        for (int i = 0; i < n; i++) l.Add(make());
        return l;
    }

    private Dictionary<string, T> Map<T>(Func<T> make)
    {
        var d = new Dictionary<string, T>();
        int n = _r.Next(0, 4);
        for (int i = 0; i < n; i++) d[Str()] = make();
        return d;
    }

    private bool Bool() => Coin();
    private int I32() => Coin(0.3) ? new[] { 0, -1, 1, int.MinValue, int.MaxValue }[_r.Next(5)] : _r.Next(int.MinValue, int.MaxValue);
    private uint U32() => Coin(0.3) ? new[] { 0u, 1u, uint.MaxValue }[_r.Next(3)] : (uint)_r.NextInt64(0, uint.MaxValue + 1L);
    private long I64() => Coin(0.3) ? new[] { 0L, -1L, long.MinValue, long.MaxValue }[_r.Next(4)] : _r.NextInt64(long.MinValue, long.MaxValue);
    private ulong U64() => Coin(0.3) ? new[] { 0UL, 1UL, ulong.MaxValue, (ulong)long.MaxValue + 1 }[_r.Next(4)] : (ulong)_r.NextInt64(0, long.MaxValue);
    private ushort U16() => (ushort)_r.Next(0, 65536);

    private OciConfig Config() => new()
    {
        OciVersion = Coin(0.7) ? "1.0.2" : Str(),
        Root = Maybe(() => new RootSpec { Path = Str(), Readonly = MaybeV(Bool) }),
        Mounts = Maybe(() => List(Mount)),
        Process = Maybe(Process),
        Hostname = Maybe(Str),
        Domainname = Maybe(Str),
        Hooks = Maybe(Hooks),
        Annotations = Maybe(() => Map(Str)),
        Linux = Maybe(Linux),
    };

    private MountSpec Mount() => new()
    {
        Destination = Str(), Source = Maybe(Str), Type = Maybe(Str), Options = Maybe(() => List(Str)),
        UidMappings = Maybe(() => List(IdMap)), GidMappings = Maybe(() => List(IdMap)),
    };

    private LinuxIdMapping IdMap() => new() { ContainerId = U32(), HostId = U32(), Size = U32() };

    private ProcessSpec Process() => new()
    {
        Terminal = MaybeV(Bool),
        ConsoleSize = Maybe(() => new ConsoleSize { Height = U64(), Width = U64() }),
        User = new UserSpec { Uid = U32(), Gid = U32(), Umask = MaybeV(U32), AdditionalGids = Maybe(() => List(U32)), Username = Maybe(Str) },
        Args = Maybe(() => List(Str)),
        CommandLine = Maybe(Str),
        Env = Maybe(() => List(Str)),
        Cwd = Str(),
        Capabilities = Maybe(() => new LinuxCapabilities
        {
            Bounding = Maybe(() => List(Str)), Effective = Maybe(() => List(Str)), Inheritable = Maybe(() => List(Str)),
            Permitted = Maybe(() => List(Str)), Ambient = Maybe(() => List(Str)),
        }),
        Rlimits = Maybe(() => List(() => new PosixRlimit { Type = Str(), Soft = U64(), Hard = U64() })),
        NoNewPrivileges = MaybeV(Bool),
        ApparmorProfile = Maybe(Str),
        OomScoreAdj = MaybeV(I32),
        Scheduler = Maybe(() => new SchedulerSpec
        {
            Policy = Str(), Nice = MaybeV(I32), Priority = MaybeV(I32), Flags = Maybe(() => List(Str)),
            Runtime = MaybeV(U64), Deadline = MaybeV(U64), Period = MaybeV(U64),
        }),
        SelinuxLabel = Maybe(Str),
        IoPriority = Maybe(() => new IoPrioritySpec { Class = Str(), Priority = I32() }),
        ExecCpuAffinity = Maybe(() => new CpuAffinitySpec { Initial = Maybe(Str), Final = Maybe(Str) }),
    };

    private HookSpec Hook() => new() { Path = Str(), Args = Maybe(() => List(Str)), Env = Maybe(() => List(Str)), Timeout = MaybeV(I32) };

    private HooksSpec Hooks() => new()
    {
        Prestart = Maybe(() => List(Hook)), CreateRuntime = Maybe(() => List(Hook)), CreateContainer = Maybe(() => List(Hook)),
        StartContainer = Maybe(() => List(Hook)), Poststart = Maybe(() => List(Hook)), Poststop = Maybe(() => List(Hook)),
    };

    private LinuxSpec Linux() => new()
    {
        Namespaces = Maybe(() => List(() => new LinuxNamespace { Type = Str(), Path = Maybe(Str) })),
        UidMappings = Maybe(() => List(IdMap)),
        GidMappings = Maybe(() => List(IdMap)),
        TimeOffsets = Maybe(() => Map(() => new LinuxTimeOffset { Secs = MaybeV(I64), Nanosecs = MaybeV(U32) })),
        Devices = Maybe(() => List(() => new LinuxDevice
        {
            Type = Str(), Path = Str(), Major = MaybeV(I64), Minor = MaybeV(I64), FileMode = MaybeV(U32), Uid = MaybeV(U32), Gid = MaybeV(U32),
        })),
        NetDevices = Maybe(() => Map(() => new LinuxNetDevice { Name = Maybe(Str) })),
        CgroupsPath = Maybe(Str),
        Resources = Maybe(Resources),
        IntelRdt = Maybe(() => new LinuxIntelRdt
        {
            ClosId = Maybe(Str), Schemata = Maybe(() => List(Str)), L3CacheSchema = Maybe(Str), MemBwSchema = Maybe(Str), EnableMonitoring = MaybeV(Bool),
        }),
        Sysctl = Maybe(() => Map(Str)),
        Seccomp = Maybe(() => new LinuxSeccomp
        {
            DefaultAction = Str(), DefaultErrnoRet = MaybeV(U32), Architectures = Maybe(() => List(Str)), Flags = Maybe(() => List(Str)),
            ListenerPath = Maybe(Str), ListenerMetadata = Maybe(Str),
            Syscalls = Maybe(() => List(() => new LinuxSyscall
            {
                Names = List(Str), Action = Str(), ErrnoRet = MaybeV(U32),
                Args = Maybe(() => List(() => new LinuxSeccompArg { Index = U32(), Value = U64(), ValueTwo = U64(), Op = Str() })),
            })),
        }),
        RootfsPropagation = Maybe(Str),
        MaskedPaths = Maybe(() => List(Str)),
        ReadonlyPaths = Maybe(() => List(Str)),
        MountLabel = Maybe(Str),
        Personality = Maybe(() => new LinuxPersonality { Domain = Str(), Flags = Maybe(() => List(Str)) }),
        MemoryPolicy = Maybe(() => new LinuxMemoryPolicy { Mode = Str(), Nodes = Maybe(Str), Flags = Maybe(() => List(Str)) }),
    };

    private LinuxResources Resources() => new()
    {
        Devices = Maybe(() => List(() => new LinuxDeviceCgroup { Allow = Bool(), Type = Maybe(Str), Major = MaybeV(I64), Minor = MaybeV(I64), Access = Maybe(Str) })),
        Memory = Maybe(() => new LinuxMemory
        {
            Limit = MaybeV(I64), Reservation = MaybeV(I64), Swap = MaybeV(I64), Kernel = MaybeV(I64), KernelTcp = MaybeV(I64),
            Swappiness = MaybeV(U64), DisableOomKiller = MaybeV(Bool), UseHierarchy = MaybeV(Bool), CheckBeforeUpdate = MaybeV(Bool),
        }),
        Cpu = Maybe(() => new LinuxCpu
        {
            Shares = MaybeV(U64), Quota = MaybeV(I64), Burst = MaybeV(U64), Period = MaybeV(U64), RealtimeRuntime = MaybeV(I64),
            RealtimePeriod = MaybeV(U64), Cpus = Maybe(Str), Mems = Maybe(Str), Idle = MaybeV(I64),
        }),
        Pids = Maybe(() => new LinuxPids { Limit = MaybeV(I64) }),
        BlockIo = Maybe(() => new LinuxBlockIo
        {
            Weight = MaybeV(U16), LeafWeight = MaybeV(U16),
            WeightDevice = Maybe(() => List(() => new LinuxWeightDevice { Major = I64(), Minor = I64(), Weight = MaybeV(U16), LeafWeight = MaybeV(U16) })),
            ThrottleReadBpsDevice = Maybe(() => List(Throttle)), ThrottleWriteBpsDevice = Maybe(() => List(Throttle)),
            ThrottleReadIopsDevice = Maybe(() => List(Throttle)), ThrottleWriteIopsDevice = Maybe(() => List(Throttle)),
        }),
        HugepageLimits = Maybe(() => List(() => new LinuxHugepageLimit { PageSize = Str(), Limit = U64() })),
        Network = Maybe(() => new LinuxNetwork
        {
            ClassId = MaybeV(U32), Priorities = Maybe(() => List(() => new LinuxInterfacePriority { Name = Str(), Priority = U32() })),
        }),
        Rdma = Maybe(() => Map(() => new LinuxRdma { HcaHandles = MaybeV(U32), HcaObjects = MaybeV(U32) })),
        Unified = Maybe(() => Map(Str)),
    };

    private LinuxThrottleDevice Throttle() => new() { Major = I64(), Minor = I64(), Rate = U64() };
}
