using System.Text.Json.Nodes;
using OciRuntime.Spec.Defaults;
using OciRuntime.Spec.Json;
using OciRuntime.Spec.Loading;
using OciRuntime.Spec.Validation;

namespace OciRuntime.Spec.Tests;

/// <summary>One case per rule: an edit of the (valid) default config, the path and the words expected.</summary>
public class ValidatorRuleTests
{
    private sealed record Case(Action<JsonNode> Edit, string Path, string Fragment);

    private static JsonNode Ns(string type, string? path = null)
    {
        var o = new JsonObject { ["type"] = type };
        if (path is not null) o["path"] = path;
        return o;
    }

    private static JsonArray Arr(params JsonNode?[] items) => new(items);
    private static JsonObject Map(Dictionary<string, JsonNode?> d) => new(d);
    private static JsonObject IdMap(uint c, uint h, uint s) => new() { ["containerID"] = c, ["hostID"] = h, ["size"] = s };

    private static readonly Dictionary<string, Case> Cases = new()
    {
        // config.md top level
        ["ociVersion missing"] = new(n => n.AsObject().Remove("ociVersion"), "ociVersion", "required"),
        ["ociVersion not semver"] = new(n => n["ociVersion"] = "1.0", "ociVersion", "invalid version \"1.0\": must be in SemVer 2.0.0"),
        ["ociVersion leading zero"] = new(n => n["ociVersion"] = "01.0.0", "ociVersion", "SemVer"),
        ["ociVersion major 2"] = new(n => n["ociVersion"] = "2.0.0", "ociVersion", "unsupported version \"2.0.0\""),
        ["root missing"] = new(n => n.AsObject().Remove("root"), "root", "required"),
        ["root.path empty"] = new(n => n["root"]!["path"] = "", "root.path", "required"),
        ["annotation empty key"] = new(n => n["annotations"] = Map(new() { [""] = "v" }), "annotations", "must not be empty"),
        ["annotation null value"] = new(n => n["annotations"] = Map(new() { ["com.x"] = null }), "annotations[\"com.x\"]", "got null"),
        // mounts
        ["mount destination empty"] = new(n => n["mounts"]![1]!["destination"] = "", "mounts[1].destination", "required"),
        ["mount null entry"] = new(n => n["mounts"]!.AsArray().Add(null), "mounts[7]", "got null"),
        ["mount uidMappings alone"] = new(n => n["mounts"]![0]!["uidMappings"] = Arr(IdMap(0, 1000, 1)), "mounts[0].gidMappings", "required when uidMappings"),
        ["mount idmap without userns"] = new(n => n["mounts"]![0]!["options"] = Arr("idmap"), "mounts[0].options", "idmap"),
        // process
        ["cwd relative"] = new(n => n["process"]!["cwd"] = "tmp", "process.cwd", "invalid working directory \"tmp\": must be an absolute path"),
        ["cwd empty"] = new(n => n["process"]!["cwd"] = "", "process.cwd", "required"),
        ["args empty"] = new(n => n["process"]!["args"] = Arr(), "process.args", "at least one argument"),
        ["args missing"] = new(n => n["process"]!.AsObject().Remove("args"), "process.args", "required"),
        ["args[0] empty"] = new(n => n["process"]!["args"] = Arr(""), "process.args[0]", "first argument"),
        ["args null entry"] = new(n => n["process"]!["args"] = Arr("sh", null), "process.args[1]", "got null"),
        ["env no equals"] = new(n => n["process"]!["env"]!.AsArray().Add("JUSTNAME"), "process.env[2]", "invalid environment entry \"JUSTNAME\": expected KEY=VALUE"),
        ["env empty name"] = new(n => n["process"]!["env"]!.AsArray().Add("=v"), "process.env[2]", "variable name must not be empty"),
        ["consoleSize height missing"] = new(n => n["process"]!["consoleSize"] = new JsonObject { ["width"] = 80 }, "process.consoleSize.height", "required"),
        ["rlimit unknown"] = new(n => n["process"]!["rlimits"]![0]!["type"] = "RLIMIT_FOO", "process.rlimits[0].type", "unknown rlimit type \"RLIMIT_FOO\""),
        ["rlimit duplicate"] = new(n => n["process"]!["rlimits"]!.AsArray().Add(new JsonObject { ["type"] = "RLIMIT_NOFILE", ["soft"] = 1, ["hard"] = 1 }), "process.rlimits[1].type", "duplicate rlimit \"RLIMIT_NOFILE\": already set by rlimits[0]"),
        ["rlimit soft > hard"] = new(n => n["process"]!["rlimits"]![0]!["soft"] = 2048, "process.rlimits[0].soft", "soft limit 2048 is greater than hard limit 1024"),
        ["rlimit hard missing"] = new(n => n["process"]!["rlimits"]![0]!.AsObject().Remove("hard"), "process.rlimits[0].hard", "required"),
        ["oomScoreAdj range"] = new(n => n["process"]!["oomScoreAdj"] = 1001, "process.oomScoreAdj", "invalid value 1001"),
        ["umask too big"] = new(n => n["process"]!["user"]!["umask"] = 4096, "process.user.umask", "at most 07777"),
        ["ioPriority class"] = new(n => n["process"]!["ioPriority"] = new JsonObject { ["class"] = "IOPRIO_CLASS_FAST", ["priority"] = 1 }, "process.ioPriority.class", "unknown I/O priority class \"IOPRIO_CLASS_FAST\""),
        ["ioPriority priority"] = new(n => n["process"]!["ioPriority"] = new JsonObject { ["class"] = "IOPRIO_CLASS_BE", ["priority"] = 8 }, "process.ioPriority.priority", "between 0 and 7"),
        ["scheduler policy"] = new(n => n["process"]!["scheduler"] = new JsonObject { ["policy"] = "SCHED_FAST" }, "process.scheduler.policy", "unknown scheduler policy \"SCHED_FAST\""),
        ["scheduler flag"] = new(n => n["process"]!["scheduler"] = new JsonObject { ["policy"] = "SCHED_OTHER", ["flags"] = Arr("SCHED_FLAG_X") }, "process.scheduler.flags[0]", "unknown scheduler flag"),
        ["scheduler nice"] = new(n => n["process"]!["scheduler"] = new JsonObject { ["policy"] = "SCHED_OTHER", ["nice"] = 20 }, "process.scheduler.nice", "between -20 and 19"),
        ["scheduler rt priority"] = new(n => n["process"]!["scheduler"] = new JsonObject { ["policy"] = "SCHED_FIFO", ["priority"] = 0 }, "process.scheduler.priority", "between 1 and 99"),
        ["scheduler deadline on other"] = new(n => n["process"]!["scheduler"] = new JsonObject { ["policy"] = "SCHED_OTHER", ["runtime"] = 5 }, "process.scheduler", "only allowed for SCHED_DEADLINE"),
        ["scheduler deadline order"] = new(n => n["process"]!["scheduler"] = new JsonObject { ["policy"] = "SCHED_DEADLINE", ["runtime"] = 10, ["deadline"] = 5, ["period"] = 20 }, "process.scheduler.runtime", "greater than deadline"),
        ["execCPUAffinity syntax"] = new(n => n["process"]!["execCPUAffinity"] = new JsonObject { ["initial"] = "0-3,x" }, "process.execCPUAffinity.initial", "\"x\" is not a number"),
        ["execCPUAffinity reversed"] = new(n => n["process"]!["execCPUAffinity"] = new JsonObject { ["final"] = "7-3" }, "process.execCPUAffinity.final", "reversed"),
        // hostname / domainname
        ["hostname without uts"] = new(n => n["linux"]!["namespaces"]!.AsArray().RemoveAt(3), "hostname", "cannot set hostname \"oci-runtime\" without a private UTS namespace"),
        ["domainname without uts"] = new(n => { n["linux"]!["namespaces"]!.AsArray().RemoveAt(3); n.AsObject().Remove("hostname"); n["domainname"] = "example.org"; }, "domainname", "without a private UTS namespace"),
        ["hostname too long"] = new(n => n["hostname"] = new string('h', 65), "hostname", "longer than 64"),
        ["hostname without linux"] = new(n => n.AsObject().Remove("linux"), "hostname", "without a private UTS namespace"),
        // hooks
        ["hook relative path"] = new(n => n["hooks"] = new JsonObject { ["createRuntime"] = Arr(new JsonObject { ["path"] = "bin/hook" }) }, "hooks.createRuntime[0].path", "invalid hook path \"bin/hook\": must be an absolute path"),
        ["hook timeout zero"] = new(n => n["hooks"] = new JsonObject { ["poststop"] = Arr(new JsonObject { ["path"] = "/h", ["timeout"] = 0 }) }, "hooks.poststop[0].timeout", "invalid timeout 0: must be greater than zero"),
        ["hook env"] = new(n => n["hooks"] = new JsonObject { ["prestart"] = Arr(new JsonObject { ["path"] = "/h", ["env"] = Arr("X") }) }, "hooks.prestart[0].env[0]", "KEY=VALUE"),
        // namespaces
        ["namespace unknown"] = new(n => n["linux"]!["namespaces"]![2]!["type"] = "pidd", "linux.namespaces[2].type", "unknown namespace type \"pidd\" (expected one of cgroup, ipc, mount, network, pid, time, user, uts)"),
        ["namespace duplicate"] = new(n => n["linux"]!["namespaces"]!.AsArray().Add(Ns("pid")), "linux.namespaces[6].type", "duplicate namespace type \"pid\": already listed at linux.namespaces[0]"),
        ["namespace path relative"] = new(n => n["linux"]!["namespaces"]![1]!["path"] = "proc/1/ns/net", "linux.namespaces[1].path", "must be an absolute path"),
        ["namespace type missing"] = new(n => n["linux"]!["namespaces"]![0]!.AsObject().Remove("type"), "linux.namespaces[0].type", "required"),
        ["mappings without userns"] = new(n => n["linux"]!["uidMappings"] = Arr(IdMap(0, 1000, 1)), "linux.uidMappings", "no \"user\" namespace"),
        ["userns without mappings"] = new(n => n["linux"]!["namespaces"]!.AsArray().Add(Ns("user")), "linux.uidMappings", "required when a new user namespace"),
        ["mapping size zero"] = new(n => { n["linux"]!["namespaces"]!.AsArray().Add(Ns("user")); n["linux"]!["uidMappings"] = Arr(IdMap(0, 1000, 0)); n["linux"]!["gidMappings"] = Arr(IdMap(0, 1000, 1)); }, "linux.uidMappings[0].size", "invalid size 0"),
        ["mapping overflow"] = new(n => { n["linux"]!["namespaces"]!.AsArray().Add(Ns("user")); n["linux"]!["uidMappings"] = Arr(IdMap(0, 4294967295, 2)); }, "linux.uidMappings[0]", "exceeds the 32-bit id space"),
        ["mapping overlap"] = new(n => { n["linux"]!["namespaces"]!.AsArray().Add(Ns("user")); n["linux"]!["gidMappings"] = Arr(IdMap(0, 1000, 10), IdMap(5, 2000, 10)); }, "linux.gidMappings[1]", "overlaps"),
        ["timeOffsets without timens"] = new(n => n["linux"]!["timeOffsets"] = new JsonObject { ["monotonic"] = new JsonObject { ["secs"] = 1 } }, "linux.timeOffsets", "no \"time\" namespace"),
        ["timeOffsets joined timens"] = new(n => { n["linux"]!["namespaces"]!.AsArray().Add(Ns("time", "/proc/1/ns/time")); n["linux"]!["timeOffsets"] = new JsonObject { ["boottime"] = new JsonObject { ["secs"] = 1 } }; }, "linux.timeOffsets", "existing time namespace"),
        ["timeOffsets clock"] = new(n => { n["linux"]!["namespaces"]!.AsArray().Add(Ns("time")); n["linux"]!["timeOffsets"] = new JsonObject { ["realtime"] = new JsonObject { ["secs"] = 1 } }; }, "linux.timeOffsets.realtime", "unknown clock \"realtime\""),
        ["timeOffsets nanosecs"] = new(n => { n["linux"]!["namespaces"]!.AsArray().Add(Ns("time")); n["linux"]!["timeOffsets"] = new JsonObject { ["boottime"] = new JsonObject { ["nanosecs"] = 1000000000 } }; }, "linux.timeOffsets.boottime.nanosecs", "less than 1000000000"),
        // devices
        ["device type"] = new(n => n["linux"]!["devices"] = Arr(new JsonObject { ["type"] = "x", ["path"] = "/dev/x", ["major"] = 1, ["minor"] = 1 }), "linux.devices[0].type", "unknown device type \"x\" (expected one of c, b, u, p)"),
        ["device major missing"] = new(n => n["linux"]!["devices"] = Arr(new JsonObject { ["type"] = "c", ["path"] = "/dev/x", ["minor"] = 1 }), "linux.devices[0].major", "required for device type \"c\""),
        ["device path relative"] = new(n => n["linux"]!["devices"] = Arr(new JsonObject { ["type"] = "p", ["path"] = "dev/fifo" }), "linux.devices[0].path", "must be an absolute path"),
        ["device fileMode"] = new(n => n["linux"]!["devices"] = Arr(new JsonObject { ["type"] = "p", ["path"] = "/f", ["fileMode"] = 8630 }), "linux.devices[0].fileMode", "only permission bits"),
        ["device negative major"] = new(n => n["linux"]!["devices"] = Arr(new JsonObject { ["type"] = "b", ["path"] = "/d", ["major"] = -1, ["minor"] = 0 }), "linux.devices[0].major", "must not be negative"),
        // resources
        ["cgroup device type"] = new(n => n["linux"]!["resources"]!["devices"]![0]!["type"] = "z", "linux.resources.devices[0].type", "unknown device type \"z\" (expected one of a, c, b)"),
        ["cgroup device access"] = new(n => n["linux"]!["resources"]!["devices"]![0]!["access"] = "RWX", "linux.resources.devices[0].access", "combination of r, w and m"),
        ["cgroup device allow missing"] = new(n => n["linux"]!["resources"]!["devices"]![0]!.AsObject().Remove("allow"), "linux.resources.devices[0].allow", "required"),
        ["memory limit"] = new(n => n["linux"]!["resources"]!["memory"] = new JsonObject { ["limit"] = -2 }, "linux.resources.memory.limit", "must be -1 (unlimited)"),
        ["memory swap below limit"] = new(n => n["linux"]!["resources"]!["memory"] = new JsonObject { ["limit"] = 200, ["swap"] = 100 }, "linux.resources.memory.swap", "smaller than the memory limit"),
        ["swappiness"] = new(n => n["linux"]!["resources"]!["memory"] = new JsonObject { ["swappiness"] = 101 }, "linux.resources.memory.swappiness", "between 0 and 100"),
        ["cpu burst"] = new(n => n["linux"]!["resources"]!["cpu"] = new JsonObject { ["quota"] = 100, ["burst"] = 200 }, "linux.resources.cpu.burst", "larger than quota"),
        ["cpu cpus"] = new(n => n["linux"]!["resources"]!["cpu"] = new JsonObject { ["cpus"] = "0-" }, "linux.resources.cpu.cpus", "invalid list"),
        ["cpu idle"] = new(n => n["linux"]!["resources"]!["cpu"] = new JsonObject { ["idle"] = 2 }, "linux.resources.cpu.idle", "must be 0 or 1"),
        ["pids limit missing"] = new(n => n["linux"]!["resources"]!["pids"] = new JsonObject(), "linux.resources.pids.limit", "required"),
        ["pids limit negative"] = new(n => n["linux"]!["resources"]!["pids"] = new JsonObject { ["limit"] = -5 }, "linux.resources.pids.limit", "invalid pids limit -5"),
        ["weightDevice empty"] = new(n => n["linux"]!["resources"]!["blockIO"] = new JsonObject { ["weightDevice"] = Arr(new JsonObject { ["major"] = 8, ["minor"] = 0 }) }, "linux.resources.blockIO.weightDevice[0]", "at least one of weight or leafWeight"),
        ["throttle rate missing"] = new(n => n["linux"]!["resources"]!["blockIO"] = new JsonObject { ["throttleReadIOPSDevice"] = Arr(new JsonObject { ["major"] = 8, ["minor"] = 0 }) }, "linux.resources.blockIO.throttleReadIOPSDevice[0].rate", "required"),
        ["hugepage size"] = new(n => n["linux"]!["resources"]!["hugepageLimits"] = Arr(new JsonObject { ["pageSize"] = "2mb", ["limit"] = 1 }), "linux.resources.hugepageLimits[0].pageSize", "invalid page size \"2mb\""),
        ["network priority missing"] = new(n => n["linux"]!["resources"]!["network"] = new JsonObject { ["priorities"] = Arr(new JsonObject { ["name"] = "eth0" }) }, "linux.resources.network.priorities[0].priority", "required"),
        ["rdma empty entry"] = new(n => n["linux"]!["resources"]!["rdma"] = new JsonObject { ["mlx5_1"] = new JsonObject() }, "linux.resources.rdma.mlx5_1", "at least one of hcaHandles or hcaObjects"),
        ["unified slash"] = new(n => n["linux"]!["resources"]!["unified"] = new JsonObject { ["../memory.max"] = "1" }, "linux.resources.unified[\"../memory.max\"]", "plain file name"),
        // other linux sections
        ["rootfsPropagation"] = new(n => n["linux"]!["rootfsPropagation"] = "sideways", "linux.rootfsPropagation", "invalid propagation \"sideways\""),
        ["maskedPaths relative"] = new(n => n["linux"]!["maskedPaths"]!.AsArray().Add("proc/x"), "linux.maskedPaths[11]", "must be an absolute path"),
        ["readonlyPaths relative"] = new(n => n["linux"]!["readonlyPaths"]![0] = "", "linux.readonlyPaths[0]", "must be an absolute path"),
        ["personality domain"] = new(n => n["linux"]!["personality"] = new JsonObject { ["domain"] = "LINUX64" }, "linux.personality.domain", "unknown execution domain \"LINUX64\""),
        ["personality flags"] = new(n => n["linux"]!["personality"] = new JsonObject { ["domain"] = "LINUX", ["flags"] = Arr("ADDR_NO_RANDOMIZE") }, "linux.personality.flags[0]", "no flags are currently supported"),
        ["memoryPolicy mode"] = new(n => n["linux"]!["memoryPolicy"] = new JsonObject { ["mode"] = "MPOL_FOO" }, "linux.memoryPolicy.mode", "unknown memory policy mode \"MPOL_FOO\""),
        ["memoryPolicy flag"] = new(n => n["linux"]!["memoryPolicy"] = new JsonObject { ["mode"] = "MPOL_DEFAULT", ["flags"] = Arr("MPOL_F_X") }, "linux.memoryPolicy.flags[0]", "unknown memory policy flag"),
        ["memoryPolicy exclusive flags"] = new(n => n["linux"]!["memoryPolicy"] = new JsonObject { ["mode"] = "MPOL_BIND", ["nodes"] = "0", ["flags"] = Arr("MPOL_F_STATIC_NODES", "MPOL_F_RELATIVE_NODES") }, "linux.memoryPolicy.flags", "cannot be combined"),
        ["memoryPolicy bind no nodes"] = new(n => n["linux"]!["memoryPolicy"] = new JsonObject { ["mode"] = "MPOL_BIND" }, "linux.memoryPolicy.nodes", "needs at least one node"),
        ["memoryPolicy local nodes"] = new(n => n["linux"]!["memoryPolicy"] = new JsonObject { ["mode"] = "MPOL_LOCAL", ["nodes"] = "1" }, "linux.memoryPolicy.nodes", "takes no nodes"),
        ["cgroupsPath dotdot"] = new(n => n["linux"]!["cgroupsPath"] = "/a/../../b", "linux.cgroupsPath", "\"..\" components"),
        ["sysctl empty key"] = new(n => n["linux"]!["sysctl"] = new JsonObject { [""] = "1" }, "linux.sysctl", "must not be empty"),
        ["sysctl traversal"] = new(n => n["linux"]!["sysctl"] = new JsonObject { ["net/../../x"] = "1" }, "linux.sysctl[\"net/../../x\"]", "invalid sysctl name"),
        ["sysctl net without netns"] = new(n => { n["linux"]!["namespaces"]!.AsArray().RemoveAt(1); n["linux"]!["sysctl"] = new JsonObject { ["net.ipv4.ip_forward"] = "1" }; }, "linux.sysctl[\"net.ipv4.ip_forward\"]", "without a \"network\" namespace"),
        ["sysctl ipc without ipcns"] = new(n => { n["linux"]!["namespaces"]!.AsArray().RemoveAt(2); n["linux"]!["sysctl"] = new JsonObject { ["kernel.shmmax"] = "1" }; }, "linux.sysctl[\"kernel.shmmax\"]", "without a \"ipc\" namespace"),
        ["sysctl global"] = new(n => n["linux"]!["sysctl"] = new JsonObject { ["vm.swappiness"] = "10" }, "linux.sysctl[\"vm.swappiness\"]", "is not namespaced"),
        ["sysctl domainname without uts"] = new(n => { n["linux"]!["namespaces"]!.AsArray().RemoveAt(3); n.AsObject().Remove("hostname"); n["linux"]!["sysctl"] = new JsonObject { ["kernel.domainname"] = "x" }; }, "linux.sysctl[\"kernel.domainname\"]", "without a \"uts\" namespace"),
        ["maskedPaths without mountns"] = new(n => n["linux"]!["namespaces"]!.AsArray().RemoveAt(4), "linux.maskedPaths", "need a \"mount\" namespace"),
        ["readonlyPaths without mountns"] = new(n => n["linux"]!["namespaces"]!.AsArray().RemoveAt(4), "linux.readonlyPaths", "need a \"mount\" namespace"),
        ["sysctl hostname conflict"] = new(n => n["linux"]!["sysctl"] = new JsonObject { ["kernel.hostname"] = "x" }, "linux.sysctl[\"kernel.hostname\"]", "conflicts with the top-level hostname"),
        ["intelRdt memBw"] = new(n => n["linux"]!["intelRdt"] = new JsonObject { ["memBwSchema"] = "L3:0=1" }, "linux.intelRdt.memBwSchema", "must start with \"MB:\""),
        ["intelRdt closID"] = new(n => n["linux"]!["intelRdt"] = new JsonObject { ["closID"] = "../x" }, "linux.intelRdt.closID", "plain directory name"),
        ["intelRdt schemata newline"] = new(n => n["linux"]!["intelRdt"] = new JsonObject { ["schemata"] = Arr("L3:0=f\nMB:0=1") }, "linux.intelRdt.schemata[0]", "single line"),
        ["netDevice host name"] = new(n => n["linux"]!["netDevices"] = new JsonObject { ["eth/0"] = new JsonObject() }, "linux.netDevices[\"eth/0\"]", "invalid interface name \"eth/0\""),
        ["netDevice long name"] = new(n => n["linux"]!["netDevices"] = new JsonObject { ["eth0"] = new JsonObject { ["name"] = "a-very-long-interface" } }, "linux.netDevices.eth0.name", "longer than 15 bytes"),
        ["netDevice clash"] = new(n => n["linux"]!["netDevices"] = new JsonObject { ["eth0"] = new JsonObject { ["name"] = "c0" }, ["eth1"] = new JsonObject { ["name"] = "c0" } }, "linux.netDevices.eth1", "like \"eth0\""),
        // seccomp: structure only
        ["seccomp defaultAction missing"] = new(n => n["linux"]!["seccomp"] = new JsonObject(), "linux.seccomp.defaultAction", "required"),
        ["seccomp names empty"] = new(n => n["linux"]!["seccomp"] = new JsonObject { ["defaultAction"] = "SCMP_ACT_ALLOW", ["syscalls"] = Arr(new JsonObject { ["names"] = Arr(), ["action"] = "SCMP_ACT_ERRNO" }) }, "linux.seccomp.syscalls[0].names", "at least one syscall name"),
        ["seccomp action missing"] = new(n => n["linux"]!["seccomp"] = new JsonObject { ["defaultAction"] = "SCMP_ACT_ALLOW", ["syscalls"] = Arr(new JsonObject { ["names"] = Arr("read") }) }, "linux.seccomp.syscalls[0].action", "required"),
        ["seccomp metadata without path"] = new(n => n["linux"]!["seccomp"] = new JsonObject { ["defaultAction"] = "SCMP_ACT_ALLOW", ["listenerMetadata"] = "m" }, "linux.seccomp.listenerMetadata", "without listenerPath"),
    };

    public static IEnumerable<object[]> CaseNames => Cases.Keys.Select(k => new object[] { k });

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void RuleReportsPathAndValue(string name)
    {
        var c = Cases[name];
        var node = JsonNode.Parse(SpecJson.Serialize(DefaultSpec.Create(false)))!;
        c.Edit(node);
        var errors = ConfigValidator.Validate(ConfigLoader.Parse(node.ToJsonString()));
        Assert.True(errors.Any(e => e.Path == c.Path && e.Message.Contains(c.Fragment, StringComparison.Ordinal)),
            $"expected an error at {c.Path} containing '{c.Fragment}', got:\n  " + string.Join("\n  ", errors));
    }

    [Fact]
    public void SeccompNamesAreLeftToTheSeccompCompiler()
    {
        var node = JsonNode.Parse(SpecJson.Serialize(DefaultSpec.Create(false)))!;
        node["linux"]!["seccomp"] = new JsonObject
        {
            ["defaultAction"] = "SCMP_ACT_NONSENSE",
            ["architectures"] = Arr("SCMP_ARCH_PDP11"),
            ["flags"] = Arr("SECCOMP_FILTER_FLAG_FUTURE"),
            ["syscalls"] = Arr(new JsonObject { ["names"] = Arr("no_such_syscall"), ["action"] = "SCMP_ACT_WHATEVER",
                                                 ["args"] = Arr(new JsonObject { ["index"] = 9, ["value"] = 1, ["op"] = "SCMP_CMP_ODD" }) }),
        };
        Assert.Empty(ConfigValidator.Validate(ConfigLoader.Parse(node.ToJsonString())));
    }

    [Fact]
    public void RecursivePropagationSpellingsAreAcceptedLikeRunc()
    {
        var c = DefaultSpec.Create(false);
        foreach (var p in new[] { "rprivate", "rslave", "rshared", "runbindable", "private", "slave", "shared", "unbindable" })
        {
            c.Linux!.RootfsPropagation = p;
            Assert.Empty(ConfigValidator.Validate(c));
        }
    }

    [Fact]
    public void ErrorsRenderWithDocumentPathAndMessage()
    {
        var c = DefaultSpec.Create(false);
        c.Linux!.Namespaces![2].Type = "pidd";
        var e = Assert.Single(ConfigValidator.Validate(c));
        Assert.Equal("config.json: linux.namespaces[2].type: unknown namespace type \"pidd\" (expected one of cgroup, ipc, mount, network, pid, time, user, uts)", e.ToString());
    }

    [Fact]
    public void EveryKnownCapabilityIsAccepted()
    {
        var c = DefaultSpec.Create(false);
        c.Process!.Capabilities!.Bounding = KnownValues.Capabilities.ToList();
        Assert.Empty(ConfigValidator.Validate(c));
        Assert.Equal("CAP_CHECKPOINT_RESTORE", KnownValues.Capabilities[40]);
    }

    [Fact]
    public void NullsInsideListsAreReportedNotThrown()
    {
        var c = ConfigLoader.Parse("{\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"r\"},\"mounts\":[null],\"process\":{\"cwd\":\"/\",\"args\":[null],\"env\":[null]," +
                                   "\"rlimits\":[null],\"capabilities\":{\"bounding\":[null]}},\"hooks\":{\"prestart\":[null]},\"linux\":{\"namespaces\":[null]," +
                                   "\"devices\":[null],\"maskedPaths\":[null],\"sysctl\":{\"a\":null},\"seccomp\":{\"defaultAction\":\"x\",\"syscalls\":[null]}}}");
        var paths = ConfigValidator.Validate(c).Select(e => e.Path).ToHashSet();
        foreach (var p in new[] { "mounts[0]", "process.args[0]", "process.env[0]", "process.rlimits[0]", "process.capabilities.bounding[0]",
                                  "hooks.prestart[0]", "linux.namespaces[0]", "linux.devices[0]", "linux.maskedPaths[0]", "linux.sysctl.a",
                                  "linux.seccomp.syscalls[0]" })
            Assert.Contains(p, paths);
    }
}
