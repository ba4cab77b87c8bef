using OciRuntime.Spec.Config;
using OciRuntime.State;

namespace OciRuntime.Tests;

/// <summary>state.json by Utf8JsonReader/Writer: every field survives, and records written by the
/// source-generated contract before (same names, another order, nulls) are still read.</summary>
public sealed class ContainerRecordJsonTests
{
    [Fact]
    public void EveryField_RoundTrips()
    {
        var r = new ContainerRecord
        {
            OciVersion = "1.0.2", Id = "c\"1", Pid = 42, PidStartTime = ulong.MaxValue, Bundle = "/b ü", Rootfs = "/r",
            Created = "2026-11-30T00:00:00Z", Owner = "root", Annotations = new() { ["a"] = "1" }, CgroupPath = "/sys/fs/cgroup/x",
            OwnPidNamespace = true, Namespaces = new() { ["pid"] = "/proc/1/ns/pid" },
            Hooks = new HooksSpec { StartContainer = [new HookSpec { Path = "/bin/true", Args = ["true"], Timeout = 3 }] },
            StartContainerProcess = new ProcessSpec { Cwd = "/", Args = ["sh"], User = new UserSpec { Uid = 5 } },
            StartContainerSeccomp = new LinuxSeccomp { DefaultAction = "SCMP_ACT_ALLOW" },
            StartContainerSetgroups = true, PoststopRan = true, Started = true,
            SystemdUnit = "oci-x.scope", HostMount = new HostMountRecord { Path = "/r", MountIdBefore = 3, MountId = 4 },
        };
        ContainerRecord b = ContainerRecordJson.Deserialize(ContainerRecordJson.Serialize(r));
        Assert.Equal((r.OciVersion, r.Id, r.Pid, r.PidStartTime, r.Bundle, r.Rootfs, r.Created, r.Owner, r.CgroupPath),
                     (b.OciVersion, b.Id, b.Pid, b.PidStartTime, b.Bundle, b.Rootfs, b.Created, b.Owner, b.CgroupPath));
        Assert.Equal((true, true, true, true), (b.OwnPidNamespace, b.StartContainerSetgroups, b.PoststopRan, b.Started));
        Assert.Equal("1", b.Annotations!["a"]);
        Assert.Equal("/proc/1/ns/pid", b.Namespaces!["pid"]);
        Assert.Equal(3, b.Hooks!.StartContainer![0].Timeout);
        Assert.Equal(5u, b.StartContainerProcess!.User.Uid);
        Assert.Equal("SCMP_ACT_ALLOW", b.StartContainerSeccomp!.DefaultAction);
        Assert.Equal("oci-x.scope", b.SystemdUnit);
        Assert.Equal(("/r", 3, 4), (b.HostMount!.Path, b.HostMount.MountIdBefore, b.HostMount.MountId));
    }

    /// <summary>
    /// The hand-written writer must know every field the record declares: a field added to
    /// ContainerRecord and forgotten here is silently dropped from state.json (hostMount and
    /// systemdUnit once were, and delete then left mounts and scopes behind).
    /// </summary>
    [Fact]
    public void EveryDeclaredProperty_IsWritten()
    {
        var r = new ContainerRecord();
        foreach (var p in typeof(ContainerRecord).GetProperties())
        {
            Type t = Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType;
            object? v = t == typeof(string) ? "x" : t == typeof(bool) ? true : t == typeof(int) ? 1 : t == typeof(ulong) ? 1UL
                : t == typeof(Dictionary<string, string>) ? new Dictionary<string, string> { ["a"] = "b" }
                : Activator.CreateInstance(t);
            p.SetValue(r, v);
        }
        using var doc = System.Text.Json.JsonDocument.Parse(ContainerRecordJson.Serialize(r));
        var written = doc.RootElement.EnumerateObject().Select(o => o.Name).ToHashSet();
        foreach (var p in typeof(ContainerRecord).GetProperties())
        {
            string name = p.GetCustomAttributes(typeof(System.Text.Json.Serialization.JsonPropertyNameAttribute), false)
                .Cast<System.Text.Json.Serialization.JsonPropertyNameAttribute>().Single().Name;
            Assert.True(written.Contains(name), $"ContainerRecordJson does not write {name}");
        }
    }

    [Fact]
    public void RecordOfTheEarlierFormat_IsRead()
    {
        byte[] old = """{"ociVersion":"1.0.2","id":"x","pid":7,"pidStartTime":9,"bundle":"/b","rootfs":"/r","created":"t","owner":"","cgroupPath":null,"ownPidNamespace":false,"unknownLater":[1,{"a":2}],"started":true}"""u8.ToArray();
        ContainerRecord r = ContainerRecordJson.Deserialize(old);
        Assert.Equal(("x", 7, 9UL, (string?)null, true), (r.Id, r.Pid, r.PidStartTime, r.CgroupPath, r.Started));
    }

    [Theory]
    [InlineData("")]
    [InlineData("{\"pid\":\"7\"}")]
    [InlineData("{\"id\":\"x\"")]
    public void CorruptRecord_Throws(string json) =>
        Assert.ThrowsAny<Exception>(() => ContainerRecordJson.Deserialize(System.Text.Encoding.UTF8.GetBytes(json)));
}
