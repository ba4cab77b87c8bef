using OciRuntime.Spec.Config;
using OciRuntime.Spec.Defaults;
using OciRuntime.Spec.Validation;

namespace OciRuntime.Spec.Tests;

/// <summary>
/// Ways to break a valid config with a random invalid value. Each mutation returns the JSON
/// path and a message fragment the validator must report.
/// </summary>
internal static class Mutations
{
    public delegate (string Path, string Fragment) Mutation(OciConfig c, Random r);

    private static string Pick(Random r, params string[] options) => options[r.Next(options.Length)];

    /// <summary>A random string that is not in <paramref name="known"/>.</summary>
    private static string Unknown(Random r, IReadOnlyList<string> known, params string[] candidates)
    {
        while (true)
        {
            string s = r.Next(3) == 0 ? RandomWord(r) : Pick(r, candidates);
            if (s.Length > 0 && !known.Contains(s)) return s;
        }
    }

    private static string RandomWord(Random r)
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789-. /ü";
        var chars = new char[r.Next(1, 16)];
        for (int i = 0; i < chars.Length; i++) chars[i] = alphabet[r.Next(alphabet.Length)];
        return new string(chars);
    }

    private static string Relative(Random r)
    {
        string s = r.Next(3) == 0 ? RandomWord(r).TrimStart('/') : Pick(r, "tmp", "./x", "a/b", "..", "~/home", " /leading-space");
        return s.Length == 0 || s[0] == '/' ? "rel" : s;
    }

    private static ProcessSpec Process(OciConfig c) => c.Process ??= DefaultSpec.Create(false).Process!;
    private static LinuxSpec Linux(OciConfig c) => c.Linux ??= new LinuxSpec();
    private static List<LinuxNamespace> Namespaces(OciConfig c) => Linux(c).Namespaces ??= new List<LinuxNamespace> { new() { Type = "pid" } };
    private static LinuxResources Resources(OciConfig c) => Linux(c).Resources ??= new LinuxResources();

    private static int Append<T>(List<T> list, T item) { list.Add(item); return list.Count - 1; }

    public static readonly (string Name, Mutation Apply)[] All =
    {
        ("namespace type", (c, r) =>
        {
            var ns = Namespaces(c);
            int i = r.Next(ns.Count);
            ns[i].Type = Unknown(r, KnownValues.NamespaceTypes, "pidd", "PID", "net", "usr", " pid", "mnt");
            return ($"linux.namespaces[{i}].type", $"unknown namespace type {Quote(ns[i].Type)}");
        }),
        ("namespace duplicate", (c, r) =>
        {
            var ns = Namespaces(c);
            var first = ns[r.Next(ns.Count)];
            int i = Append(ns, new LinuxNamespace { Type = first.Type });
            return ($"linux.namespaces[{i}].type", "duplicate namespace type");
        }),
        ("namespace path", (c, r) =>
        {
            var ns = Namespaces(c);
            int i = r.Next(ns.Count);
            ns[i].Path = Relative(r);
            return ($"linux.namespaces[{i}].path", "must be an absolute path");
        }),
        ("cwd relative", (c, r) =>
        {
            var p = Process(c);
            p.Cwd = Relative(r);
            return ("process.cwd", $"invalid working directory {Quote(p.Cwd)}: must be an absolute path");
        }),
        ("args empty", (c, r) => { Process(c).Args = r.Next(2) == 0 ? null : new List<string>(); return ("process.args", "at least one argument"); }),
        ("env malformed", (c, r) =>
        {
            var p = Process(c);
            p.Env ??= new List<string>();
            string bad = Pick(r, "NOEQUALS", "=value", "", "=");
            int i = Append(p.Env, bad);
            return ($"process.env[{i}]", $"invalid environment entry {Quote(bad)}");
        }),
        ("rlimit type", (c, r) =>
        {
            var p = Process(c);
            p.Rlimits ??= new List<PosixRlimit>();
            string t = Unknown(r, KnownValues.Rlimits, "RLIMIT_FOO", "nofile", "RLIMIT_nofile", "NOFILE", "RLIMIT_");
            int i = Append(p.Rlimits, new PosixRlimit { Type = t, Soft = 1, Hard = 1 });
            return ($"process.rlimits[{i}].type", $"unknown rlimit type {Quote(t)}");
        }),
        ("rlimit soft > hard", (c, r) =>
        {
            var p = Process(c);
            p.Rlimits = new List<PosixRlimit>();
            ulong hard = (ulong)r.NextInt64(0, long.MaxValue);
            p.Rlimits.Add(new PosixRlimit { Type = KnownValues.Rlimits[r.Next(KnownValues.Rlimits.Count)], Hard = hard, Soft = hard + 1 + (ulong)r.Next(1000) });
            return ("process.rlimits[0].soft", "is greater than hard limit");
        }),
        ("rlimit duplicate", (c, r) =>
        {
            var p = Process(c);
            string t = KnownValues.Rlimits[r.Next(KnownValues.Rlimits.Count)];
            p.Rlimits = new List<PosixRlimit> { new() { Type = t, Soft = 1, Hard = 2 }, new() { Type = t, Soft = 1, Hard = 2 } };
            return ("process.rlimits[1].type", $"duplicate rlimit {Quote(t)}");
        }),
        ("device type", (c, r) =>
        {
            var devs = Linux(c).Devices ??= new List<LinuxDevice>();
            string t = Unknown(r, KnownValues.DeviceTypes, "x", "C", "block", "char", "a");
            int i = Append(devs, new LinuxDevice { Type = t, Path = "/dev/x", Major = 1, Minor = 3 });
            return ($"linux.devices[{i}].type", $"unknown device type {Quote(t)}");
        }),
        ("device numbers", (c, r) =>
        {
            var devs = Linux(c).Devices ??= new List<LinuxDevice>();
            bool noMajor = r.Next(2) == 0;
            int i = Append(devs, new LinuxDevice { Type = Pick(r, "c", "b", "u"), Path = "/dev/y", Major = noMajor ? null : 1, Minor = noMajor ? 1 : null });
            return ($"linux.devices[{i}].{(noMajor ? "major" : "minor")}", "required for device type");
        }),
        ("device path", (c, r) =>
        {
            var devs = Linux(c).Devices ??= new List<LinuxDevice>();
            int i = Append(devs, new LinuxDevice { Type = "p", Path = Relative(r) });
            return ($"linux.devices[{i}].path", "must be an absolute path");
        }),
        ("hook path", (c, r) =>
        {
            c.Hooks ??= new HooksSpec();
            string kind = Pick(r, "prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop");
            var list = HookList(c.Hooks, kind);
            int i = Append(list, new HookSpec { Path = Relative(r) });
            return ($"hooks.{kind}[{i}].path", "must be an absolute path");
        }),
        ("hook timeout", (c, r) =>
        {
            c.Hooks ??= new HooksSpec();
            string kind = Pick(r, "prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop");
            var list = HookList(c.Hooks, kind);
            int t = r.Next(2) == 0 ? 0 : r.Next(int.MinValue, 0);
            int i = Append(list, new HookSpec { Path = "/bin/true", Timeout = t });
            return ($"hooks.{kind}[{i}].timeout", $"invalid timeout {t}");
        }),
        ("rootfsPropagation", (c, r) =>
        {
            string v = Unknown(r, KnownValues.RootfsPropagations, "sideways", "PRIVATE", "rprivate ", "recursive", "");
            Linux(c).RootfsPropagation = v;
            return ("linux.rootfsPropagation", $"invalid propagation {Quote(v)}");
        }),
        ("maskedPaths", (c, r) =>
        {
            var l = Linux(c).MaskedPaths ??= new List<string>();
            int i = Append(l, Relative(r));
            return ($"linux.maskedPaths[{i}]", "must be an absolute path");
        }),
        ("mappings without userns", (c, r) =>
        {
            var ns = Namespaces(c);
            ns.RemoveAll(n => n.Type == "user");
            if (ns.Count == 0) ns.Add(new LinuxNamespace { Type = "pid" });
            Linux(c).UidMappings = new List<LinuxIdMapping> { new() { ContainerId = 0, HostId = (uint)r.Next(), Size = 1 } };
            return ("linux.uidMappings", "no \"user\" namespace");
        }),
        ("timeOffsets without timens", (c, r) =>
        {
            var ns = Namespaces(c);
            ns.RemoveAll(n => n.Type == "time");
            if (ns.Count == 0) ns.Add(new LinuxNamespace { Type = "pid" });
            Linux(c).TimeOffsets = new Dictionary<string, LinuxTimeOffset> { ["monotonic"] = new() { Secs = r.Next() } };
            return ("linux.timeOffsets", "no \"time\" namespace");
        }),
        ("hostname without uts", (c, r) =>
        {
            var ns = Namespaces(c);
            ns.RemoveAll(n => n.Type == "uts");
            if (ns.Count == 0) ns.Add(new LinuxNamespace { Type = "pid" });
            c.Hostname = "h" + r.Next(1000);
            return ("hostname", "without a private UTS namespace");
        }),
        ("ociVersion", (c, r) =>
        {
            c.OciVersion = Pick(r, "1", "1.0", "v1.0.0", "1.0.0.0", "01.0.0", "1.0.0-", "latest", " 1.0.0");
            return ("ociVersion", "SemVer 2.0.0");
        }),
        ("root path", (c, r) =>
        {
            bool drop = r.Next(2) == 0;
            if (drop) c.Root = null; else c.Root = new RootSpec { Path = "" };
            return (drop ? "root" : "root.path", "required");
        }),
        ("ioPriority", (c, r) =>
        {
            var io = new IoPrioritySpec { Class = Unknown(r, KnownValues.IoPriorityClasses, "IOPRIO_CLASS_NONE", "RT", "be"), Priority = r.Next(0, 8) };
            Process(c).IoPriority = io;
            return ("process.ioPriority.class", $"unknown I/O priority class {Quote(io.Class)}");
        }),
        ("scheduler", (c, r) =>
        {
            var s = new SchedulerSpec { Policy = Unknown(r, KnownValues.SchedulerPolicies, "SCHED_FAST", "fifo", "SCHED_NORMAL") };
            Process(c).Scheduler = s;
            return ("process.scheduler.policy", $"unknown scheduler policy {Quote(s.Policy)}");
        }),
        ("personality", (c, r) =>
        {
            var p = new LinuxPersonality { Domain = Unknown(r, KnownValues.PersonalityDomains, "LINUX64", "linux", "PER_LINUX") };
            Linux(c).Personality = p;
            return ("linux.personality.domain", $"unknown execution domain {Quote(p.Domain)}");
        }),
        ("memoryPolicy", (c, r) =>
        {
            var m = new LinuxMemoryPolicy { Mode = Unknown(r, KnownValues.MemoryPolicyModes, "MPOL_FOO", "bind", "MPOL_") };
            Linux(c).MemoryPolicy = m;
            return ("linux.memoryPolicy.mode", $"unknown memory policy mode {Quote(m.Mode)}");
        }),
        ("hugepage size", (c, r) =>
        {
            var list = Resources(c).HugepageLimits ??= new List<LinuxHugepageLimit>();
            string size = Pick(r, "2mb", "64kB", "0MB", "2M", "1 GB", "", "-2MB", "2MiB");
            int i = Append(list, new LinuxHugepageLimit { PageSize = size, Limit = 1 });
            return ($"linux.resources.hugepageLimits[{i}].pageSize", $"invalid page size {Quote(size)}");
        }),
        ("memory value", (c, r) =>
        {
            long v = r.NextInt64(long.MinValue, -1);
            Resources(c).Memory = new LinuxMemory { Limit = v };
            return ("linux.resources.memory.limit", $"invalid value {v}");
        }),
        ("cgroup device type", (c, r) =>
        {
            var list = Resources(c).Devices ??= new List<LinuxDeviceCgroup>();
            string t = Unknown(r, KnownValues.CgroupDeviceTypes, "x", "p", "u", "all");
            int i = Append(list, new LinuxDeviceCgroup { Allow = true, Type = t, Access = "r" });
            return ($"linux.resources.devices[{i}].type", $"unknown device type {Quote(t)}");
        }),
        ("seccomp names", (c, r) =>
        {
            var s = Linux(c).Seccomp ??= new LinuxSeccomp { DefaultAction = "SCMP_ACT_ALLOW" };
            s.Syscalls ??= new List<LinuxSyscall>();
            int i = Append(s.Syscalls, new LinuxSyscall { Names = new List<string>(), Action = "SCMP_ACT_ERRNO" });
            return ($"linux.seccomp.syscalls[{i}].names", "at least one syscall name");
        }),
        ("oomScoreAdj", (c, r) =>
        {
            int v = r.Next(2) == 0 ? r.Next(1001, int.MaxValue) : r.Next(int.MinValue, -1000);
            Process(c).OomScoreAdj = v;
            return ("process.oomScoreAdj", $"invalid value {v}");
        }),
        ("mount destination", (c, r) =>
        {
            var mounts = c.Mounts ??= new List<MountSpec>();
            int i = Append(mounts, new MountSpec { Destination = "", Type = "tmpfs", Source = "tmpfs" });
            return ($"mounts[{i}].destination", "required");
        }),
    };

    private static List<HookSpec> HookList(HooksSpec h, string kind) => kind switch
    {
        "prestart" => h.Prestart ??= new(),
        "createRuntime" => h.CreateRuntime ??= new(),
        "createContainer" => h.CreateContainer ??= new(),
        "startContainer" => h.StartContainer ??= new(),
        "poststart" => h.Poststart ??= new(),
        _ => h.Poststop ??= new(),
    };

    /// <summary>The validator's quoting (internal to Spec, visible to the tests).</summary>
    private static string Quote(string s) => Text.Quote(s);
}
