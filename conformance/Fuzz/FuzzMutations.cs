using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;

namespace OciRuntime.Conformance.Fuzz;

/// <summary>One change to a config; Describe is what a failure report shows.</summary>
public sealed record Mutation(string Describe, Action<FuzzDoc> Apply)
{
    public override string ToString() => Describe;
}

/// <summary>
/// FsCheck generators of mutations. Field-agnostic ones pick a node of the document by a random
/// selector (replace with any weird value, delete, add an unknown key, edge numbers on numeric leaves,
/// edge strings on string leaves, bloat an array); field-aware ones build bogus mounts, capabilities,
/// rlimits, seccomp rules, id maps, devices, unknown enum values, paths with `..` and symlinks, resources,
/// sysctls, users; byte-level ones truncate the file or put raw bytes (invalid UTF-8, NUL, deep nesting)
/// into a string. FuzzSanitizer runs after them all.
/// </summary>
public static class FuzzMutations
{
    static Gen<int> Selector => Gen.Choose(0, int.MaxValue);

    static Gen<List<T>> Upto<T>(Gen<T> g, int max) =>
        from n in Gen.Choose(0, max) from l in Gen.ListOf(g, n) select l.ToList();

    /// <summary>Nodes a raw-byte mutation must not touch: it could hide the fields the sanitizer protects.</summary>
    static bool Protected(string path) =>
        path.StartsWith("$.linux.namespaces", StringComparison.Ordinal) || path.StartsWith("$.mounts", StringComparison.Ordinal) ||
        path.StartsWith("$.linux.cgroupsPath", StringComparison.Ordinal) || path.StartsWith("$.linux.sysctl", StringComparison.Ordinal) ||
        path.StartsWith("$.linux.resources.unified", StringComparison.Ordinal) || path.StartsWith("$.root", StringComparison.Ordinal) ||
        path.StartsWith("$.linux.netDevices", StringComparison.Ordinal);

    static Mutation AtNode(string what, int sel, Func<JsonNode?, bool> filter, Action<FuzzDoc, (string Path, JsonNode Parent, object Key, JsonNode? Node)> act) =>
        new($"{what} @sel{sel}", d =>
        {
            var nodes = d.Nodes().Where(n => filter(n.Node)).ToList();
            if (nodes.Count == 0) return;
            act(d, nodes[sel % nodes.Count]);
        });

    static bool IsNumber(JsonNode? n) => n is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.Number;
    static bool IsString(JsonNode? n) => n is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String;

    // Field-agnostic.
    static Gen<Mutation> ReplaceAny => from sel in Selector from w in FuzzValues.Any
                                       select Named($"replace with {w}", sel, _ => true, w);
    static Gen<Mutation> NumberEdge => from sel in Selector from w in Gen.Frequency((8, FuzzValues.Number), (1, FuzzValues.WrongType))
                                       select Named($"number -> {w}", sel, IsNumber, w);
    static Gen<Mutation> StringEdge => from sel in Selector from w in Gen.Frequency((8, FuzzValues.EdgeString), (1, FuzzValues.WrongType))
                                       select Named($"string -> {w}", sel, IsString, w);

    static Mutation Named(string what, int sel, Func<JsonNode?, bool> filter, Weird w) =>
        new($"{what} @sel{sel}", d =>
        {
            // Raw bytes only where they cannot hide a protected field.
            var nodes = d.Nodes().Where(n => filter(n.Node) && (w.Raw == null || !Protected(n.Path))).ToList();
            if (nodes.Count == 0) return;
            var (_, parent, key, _) = nodes[sel % nodes.Count];
            FuzzDoc.Set(parent, key, d.Node(w));
        });

    static Gen<Mutation> DeleteAny => Selector.Select(sel => AtNode("delete", sel, _ => true, (_, n) => FuzzDoc.Remove(n.Parent, n.Key)));

    static Gen<Mutation> UnknownKey => from sel in Selector
                                       from name in Gen.Elements("unknownField", "", "Process", "ociversion", "x-\u0000", "__proto__", "linux")
                                       from w in FuzzValues.Any
                                       select AtNode($"add key \"{name}\"={w}", sel, n => n is JsonObject, (d, n) =>
                                       {
                                           var o = (JsonObject)n.Node!;
                                           if (!o.ContainsKey(name)) o[name] = d.Node(w);
                                       });

    static Gen<Mutation> BloatArray => from sel in Selector from times in Gen.Elements(2, 100, 1000, 5000)
                                       select AtNode($"repeat array elements x{times}", sel, n => n is JsonArray { Count: > 0 }, (_, n) =>
                                       {
                                           var a = (JsonArray)n.Node!;
                                           var items = a.Select(i => i?.DeepClone()).ToList();
                                           for (int t = 1; t < times && a.Count < 20000; t++)
                                               foreach (var i in items) a.Add(i?.DeepClone());
                                       });

    // Field-aware.
    static Gen<Mutation> BogusMount(FuzzCaseDir c) =>
        from dest in FuzzValues.ContainerPath(c)
        from type in Gen.Frequency((5, Gen.Elements(FuzzValues.MountTypes).Select(t => Weird.Str(t))), (1, FuzzValues.Any))
        from src in FuzzValues.BindSource(c)
        from opts in Upto(Gen.Frequency((6, Gen.Elements(FuzzValues.MountOptions).Select(o => Weird.Str(o))), (1, FuzzValues.Any)), 6)
        from withMaps in Gen.Frequency((5, Gen.Constant(false)), (1, Gen.Constant(true)))
        from map in IdMapEntry
        from at in Gen.Choose(0, 3)
        select new Mutation($"mount {dest} type {type} src {src} opts [{string.Join(",", opts)}]{(withMaps ? $" idmap {map}" : "")}", d =>
        {
            var mounts = d.EnsureArray("mounts");
            if (mounts == null) return;
            var m = new JsonObject { ["destination"] = d.Node(dest), ["type"] = d.Node(type), ["source"] = d.Node(src) };
            m["options"] = new JsonArray(opts.Select(d.Node).ToArray());
            if (withMaps)
            {
                m["uidMappings"] = new JsonArray(d.Node(map));
                m["gidMappings"] = new JsonArray(d.Node(map));
            }
            if (at == 0) mounts.Insert(0, m); else mounts.Add(m);
        });

    static Gen<Mutation> MountField(FuzzCaseDir c) =>
        from sel in Selector
        from fieldName in Gen.Elements("destination", "type", "source", "options")
        from w in fieldName switch
        {
            "destination" => FuzzValues.ContainerPath(c),
            "type" => Gen.Elements(FuzzValues.MountTypes).Select(t => Weird.Str(t)),
            "source" => FuzzValues.BindSource(c),
            _ => Gen.Frequency((1, FuzzValues.WrongType), (3, Gen.Elements(FuzzValues.MountOptions).Select(o => Weird.Of($"[\"{o}\"]")))),
        }
        select new Mutation($"mounts[sel{sel}].{fieldName} = {w}", d =>
        {
            if (d.Obj?["mounts"] is not JsonArray { Count: > 0 } mounts || mounts[sel % mounts.Count] is not JsonObject m) return;
            m[fieldName] = d.Node(w);
        });

    static Gen<Weird> CapValue => Gen.Frequency((3, Gen.Elements(FuzzValues.Capabilities).Select(s => Weird.Str(s))), (2, FuzzValues.Enum("CAP_KILL")));

    static Gen<Mutation> Capability =>
        from set in Gen.Elements("bounding", "effective", "inheritable", "permitted", "ambient")
        from mode in Gen.Elements("add", "add", "replace-set", "many")
        from cap in CapValue
        from w in FuzzValues.Any
        select new Mutation($"capabilities.{set} {mode} {(mode == "replace-set" ? w : cap)}", d =>
        {
            var caps = d.Ensure("process.capabilities");
            if (caps == null) return;
            if (mode == "replace-set") { caps[set] = d.Node(w); return; }
            if (caps[set] is not JsonArray a) caps[set] = a = new JsonArray();
            for (int i = 0; i < (mode == "many" ? 2000 : 1); i++) a.Add(d.Node(cap));
        });

    static Gen<Mutation> Rlimit =>
        from type in Gen.Frequency((3, Gen.Elements(FuzzValues.Rlimits).Select(s => Weird.Str(s))), (2, FuzzValues.Enum("RLIMIT_NOFILE")))
        from soft in Gen.Frequency((3, FuzzValues.Number), (1, FuzzValues.WrongType))
        from hard in Gen.Frequency((3, FuzzValues.Number), (1, FuzzValues.WrongType))
        from dup in Gen.Elements(1, 1, 2)
        select new Mutation($"rlimit {type} soft {soft} hard {hard} x{dup}", d =>
        {
            var list = d.EnsureArray("process.rlimits");
            for (int i = 0; i < dup && list != null; i++)
                list.Add(new JsonObject { ["type"] = d.Node(type), ["soft"] = d.Node(soft), ["hard"] = d.Node(hard) });
        });

    /// <summary>A rule is built when the mutation applies: raw values need the document.</summary>
    static Gen<Func<FuzzDoc, JsonObject>> SeccompRule =>
        from names in Upto(Gen.Frequency((4, Gen.Elements(FuzzValues.Syscalls).Select(s => Weird.Str(s))), (1, FuzzValues.Any)), 4)
        from action in FuzzValues.Enum(FuzzValues.SeccompActions)
        from errno in Gen.Frequency((3, Gen.Constant<Weird?>(null)), (1, FuzzValues.Number.Select(n => (Weird?)n)))
        from args in Upto(
            from index in Gen.Frequency((3, Gen.Elements("0", "1", "5", "6", "7", "-1", "4294967296").Select(i => Weird.Of(i))), (1, FuzzValues.Any))
            from value in FuzzValues.Number
            from two in FuzzValues.Number
            from op in FuzzValues.Enum(FuzzValues.SeccompOps)
            select (index, value, two, op), 3)
        select RuleJson(names, action, errno, args);

    static Func<FuzzDoc, JsonObject> RuleJson(List<Weird> names, Weird action, Weird? errno, List<(Weird index, Weird value, Weird two, Weird op)> args) =>
        d =>
        {
            var r = new JsonObject { ["names"] = new JsonArray(names.Select(d.Node).ToArray()), ["action"] = d.Node(action) };
            if (errno != null) r["errnoRet"] = d.Node(errno);
            if (args.Count > 0)
                r["args"] = new JsonArray(args.Select(a => (JsonNode?)new JsonObject
                    { ["index"] = d.Node(a.index), ["value"] = d.Node(a.value), ["valueTwo"] = d.Node(a.two), ["op"] = d.Node(a.op) }).ToArray());
            return r;
        };

    static Gen<Mutation> Seccomp =>
        from fresh in Gen.Elements(true, false)
        from def in FuzzValues.Enum(FuzzValues.SeccompActions)
        from arch in Upto(FuzzValues.Enum(FuzzValues.Architectures), 3)
        from flags in Upto(FuzzValues.Enum("SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_TSYNC"), 2)
        from rules in Upto(SeccompRule, 5)
        from listener in Gen.Elements(false, false, true)
        select new Mutation($"seccomp {(fresh ? "new" : "extend")} default {def} arch [{string.Join(",", arch)}] flags [{string.Join(",", flags)}] {rules.Count} rules{(listener ? " listenerPath" : "")}", d =>
        {
            var linux = d.Ensure("linux");
            if (linux == null) return;
            if (fresh || linux["seccomp"] is not JsonObject s)
            {
                s = new JsonObject { ["defaultAction"] = d.Node(def) };
                if (arch.Count > 0) s["architectures"] = new JsonArray(arch.Select(d.Node).ToArray());
                if (flags.Count > 0) s["flags"] = new JsonArray(flags.Select(d.Node).ToArray());
                linux["seccomp"] = s;
            }
            if (s["syscalls"] is not JsonArray calls) s["syscalls"] = calls = new JsonArray();
            foreach (var make in rules) calls.Add(make(d));
            if (listener) s["listenerPath"] = "set by the sanitizer";
        });

    static Gen<Weird> IdMapEntry =>
        from cid in Gen.Frequency((3, Gen.Elements("0", "1", "1000").Select(n => Weird.Of(n))), (1, FuzzValues.Number))
        from hid in Gen.Frequency((3, Gen.Elements("100000", "0", "200000").Select(n => Weird.Of(n))), (1, FuzzValues.Number))
        from size in Gen.Frequency((3, Gen.Elements("65536", "1", "0").Select(n => Weird.Of(n))), (1, FuzzValues.Number))
        select Weird.Of($"{{\"containerID\":{cid.Json ?? "0"},\"hostID\":{hid.Json ?? "0"},\"size\":{size.Json ?? "0"}}}");

    static Gen<Mutation> IdMaps =>
        from which in Gen.Elements("uidMappings", "gidMappings", "both")
        from entries in Upto(IdMapEntry, 4)
        from many in Gen.Elements(1, 1, 1, 341, 400)
        from userns in Gen.Elements(true, true, false)
        select new Mutation($"{which} [{string.Join(",", entries)}] x{many}{(userns ? " + user ns" : "")}", d =>
        {
            var linux = d.Ensure("linux");
            if (linux == null) return;
            foreach (var key in which == "both" ? new[] { "uidMappings", "gidMappings" } : [which])
            {
                var a = new JsonArray();
                for (int i = 0; i < many; i++)
                    foreach (var e in entries) a.Add(d.Node(e));
                linux[key] = a;
            }
            if (userns && linux["namespaces"] is JsonArray ns && !ns.Any(n => FuzzDoc.AsString(n?["type"]) == "user"))
                ns.Add(new JsonObject { ["type"] = "user" });
        });

    static Gen<Mutation> Device(FuzzCaseDir c) =>
        from path in FuzzValues.ContainerPath(c)
        from type in FuzzValues.Enum("c", "b", "u", "p")
        from major in FuzzValues.Number
        from minor in FuzzValues.Number
        from mode in Gen.Frequency((2, Gen.Constant<Weird?>(null)), (1, FuzzValues.Number.Select(n => (Weird?)n)))
        select new Mutation($"device {path} {type} {major}:{minor} mode {mode}", d =>
        {
            var devs = d.EnsureArray("linux.devices");
            if (devs == null) return;
            var o = new JsonObject { ["path"] = d.Node(path), ["type"] = d.Node(type), ["major"] = d.Node(major), ["minor"] = d.Node(minor) };
            if (mode != null) o["fileMode"] = d.Node(mode);
            devs.Add(o);
        });

    static readonly (string Path, string[] Valid)[] EnumFields =
    [
        ("linux.rootfsPropagation", ["private", "rprivate", "shared", "rshared", "slave", "rslave", "unbindable"]),
        ("process.ioPriority.class", ["IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE", "IOPRIO_CLASS_IDLE"]),
        ("process.scheduler.policy", ["SCHED_OTHER", "SCHED_FIFO", "SCHED_RR", "SCHED_BATCH", "SCHED_IDLE", "SCHED_DEADLINE"]),
        ("linux.personality.domain", ["LINUX", "LINUX32"]),
        ("linux.memoryPolicy.mode", ["MPOL_DEFAULT", "MPOL_BIND", "MPOL_INTERLEAVE", "MPOL_PREFERRED", "MPOL_LOCAL"]),
        ("linux.seccomp.defaultAction", ["SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO"]),
        ("ociVersion", ["1.0.2", "1.1.0", "1.2.0", "1.0.0-rc5"]),
        ("linux.namespaces.+type", ["pid", "cgroup", "user", "time"]),
        ("linux.resources.devices.+type", ["a", "b", "c"]),
    ];

    static Gen<Mutation> EnumField =>
        from f in Gen.Elements(EnumFields)
        from w in FuzzValues.Enum(f.Valid)
        select new Mutation($"{f.Path} = {w}", d =>
        {
            int dot = f.Path.LastIndexOf('.');
            string key = f.Path[(dot + 1)..];
            if (key.StartsWith('+'))
            {
                var a = d.EnsureArray(f.Path[..dot]);
                var entry = new JsonObject { [key[1..]] = d.Node(w) };
                if (f.Path.Contains("devices", StringComparison.Ordinal)) entry["allow"] = false;
                a?.Add(entry);
                return;
            }
            var parent = dot < 0 ? d.Obj : d.Ensure(f.Path[..dot]);
            if (parent != null) parent[key] = d.Node(w);
        });

    static Gen<Mutation> PathField(FuzzCaseDir c) =>
        from fieldName in Gen.Elements("process.cwd", "linux.maskedPaths+", "linux.readonlyPaths+", "root.path", "process.args[0]")
        from w in fieldName == "root.path" ? Gen.Elements(FuzzSanitizer.SafeRootPaths).Select(s => Weird.Str(s)) : FuzzValues.ContainerPath(c)
        select new Mutation($"{fieldName} = {w}", d =>
        {
            switch (fieldName)
            {
                case "process.cwd": d.Ensure("process")?["cwd"] = d.Node(w); break;
                case "root.path": d.Ensure("root")?["path"] = d.Node(w); break;
                case "process.args[0]": d.Ensure("process")?["args"] = new JsonArray(d.Node(w)); break;
                default: d.EnsureArray(fieldName.TrimEnd('+'))?.Add(d.Node(w)); break;
            }
        });

    static readonly string[] ResourceFields =
    [
        "memory.limit", "memory.reservation", "memory.swap", "memory.kernel", "memory.swappiness", "memory.disableOOMKiller",
        "cpu.shares", "cpu.quota", "cpu.period", "cpu.realtimeRuntime", "cpu.cpus", "cpu.mems", "cpu.idle", "pids.limit",
        "blockIO.weight", "network.classID", "unified.pids.max", "unified.memory.max", "unified.cgroup.freeze", "unified.cgroup.procs",
        "unified.../../cgroup.procs", "unified.bogus", "hugepageLimits",
    ];

    static Gen<Mutation> Resource =>
        from f in Gen.Elements(ResourceFields)
        from w in Gen.Frequency((3, FuzzValues.Number), (1, FuzzValues.Any), (1, Gen.Elements("0-1", "0", "99999", "max", "-1", "0-").Select(s => Weird.Str(s))))
        select new Mutation($"linux.resources.{f} = {w}", d =>
        {
            if (f == "hugepageLimits")
            {
                d.EnsureArray("linux.resources.hugepageLimits")?.Add(new JsonObject { ["pageSize"] = d.Node(w), ["limit"] = 1 });
                return;
            }
            int dot = f.IndexOf('.');
            var o = d.Ensure("linux.resources." + f[..dot]);
            if (o != null) o[f[(dot + 1)..]] = d.Node(w);
        });

    static Gen<Mutation> Sysctl =>
        from key in Gen.Elements("net.ipv4.ip_forward", "kernel.shm_rmid_forced", "fs.mqueue.msg_max", "net.core.somaxconn", "kernel.hostname", "fuzz.bogus", "", "kernel.", "vm.drop_caches", "kernel/../kernel/panic")
        from w in Gen.Frequency((2, Gen.Elements("1", "0", "-1", "999999999999", "1\n2", "").Select(s => Weird.Str(s))), (1, FuzzValues.Any))
        select new Mutation($"sysctl {key} = {w}", d => { var s = d.Ensure("linux.sysctl"); if (s != null) s[key] = d.Node(w); });

    static Gen<Mutation> User =>
        from fieldName in Gen.Elements("uid", "gid", "umask", "additionalGids", "username")
        from w in Gen.Frequency((3, FuzzValues.Number), (1, FuzzValues.Any))
        from many in Gen.Elements(1, 70000)
        select new Mutation($"process.user.{fieldName} = {w}{(fieldName == "additionalGids" ? $" x{many}" : "")}", d =>
        {
            var u = d.Ensure("process.user");
            if (u == null) return;
            if (fieldName == "additionalGids")
            {
                var a = new JsonArray();
                for (int i = 0; i < many; i++) a.Add(d.Node(w));
                u[fieldName] = a;
            }
            else u[fieldName] = d.Node(w);
        });

    static Gen<Mutation> ProcessField =>
        from fieldName in Gen.Elements("terminal", "consoleSize", "env+", "hostname", "domainname", "oomScoreAdj", "noNewPrivileges", "apparmorProfile", "selinuxLabel", "annotations")
        from w in FuzzValues.Any
        select new Mutation($"{fieldName} = {w}", d =>
        {
            switch (fieldName)
            {
                case "env+": d.EnsureArray("process.env")?.Add(d.Node(w)); break;
                case "hostname" or "domainname": if (d.Obj != null) d.Obj[fieldName] = d.Node(w); break;
                case "annotations": d.Ensure("annotations")?["k"] = d.Node(w); break;
                case "terminal": d.Ensure("process")?["terminal"] = true; break;
                default: d.Ensure("process")?[fieldName] = d.Node(w); break;
            }
        });

    // Byte-level: applied to the serialized text.
    static Gen<Mutation> Truncate => Gen.Choose(0, 999).Select(f =>
        new Mutation($"truncate at {f / 10.0}%", d => d.TruncateAt = f / 1000.0));

    static Gen<Mutation> RawInString => from sel in Selector from w in FuzzValues.RawBytes
                                        select Named($"raw {w}", sel, IsString, w);

    public static Gen<Mutation> Any(FuzzCaseDir c) => Gen.Frequency(
        (3, ReplaceAny), (2, DeleteAny), (2, UnknownKey), (4, NumberEdge), (4, StringEdge), (1, BloatArray),
        (5, BogusMount(c)), (3, MountField(c)), (3, Capability), (3, Rlimit), (4, Seccomp), (3, IdMaps), (2, Device(c)),
        (4, EnumField), (4, PathField(c)), (3, Resource), (2, Sysctl), (2, User), (2, ProcessField), (2, RawInString));

    /// <summary>A case: which seed config, 0-4 mutations, sometimes a truncation last.</summary>
    public static Gen<FuzzPlan> Plan(FuzzCaseDir c, int seedConfigs) =>
        from seedConfig in Gen.Frequency(Enumerable.Range(0, seedConfigs).Select(i => (FuzzSeeds.Weight(i), Gen.Constant(i))))
        from n in Gen.Frequency((1, Gen.Constant(0)), (6, Gen.Constant(1)), (3, Gen.Constant(2)), (2, Gen.Choose(3, 4)))
        from muts in Gen.ListOf(Any(c), n)
        from cut in Gen.Frequency((12, Gen.Constant<Mutation?>(null)), (1, Truncate.Select(t => (Mutation?)t)))
        select new FuzzPlan(seedConfig, [.. muts, .. cut == null ? Array.Empty<Mutation>() : [cut]]);
}

public sealed record FuzzPlan(int SeedConfig, IReadOnlyList<Mutation> Mutations);
