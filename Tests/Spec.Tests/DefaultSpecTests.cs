using OciRuntime.Spec.Defaults;
using OciRuntime.Spec.Json;
using OciRuntime.Spec.Loading;
using OciRuntime.Spec.Validation;

namespace OciRuntime.Spec.Tests;

public class DefaultSpecTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void DefaultIsValidAgainstTheSchemaAndTheValidator(bool rootless)
    {
        var config = DefaultSpec.Create(rootless);
        SchemaAssert.Valid(SpecJson.Serialize(config));
        Assert.Empty(ConfigValidator.Validate(config));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void DefaultLoadsFromABundle(bool rootless)
    {
        using var bundle = new TempBundle(SpecJson.Serialize(DefaultSpec.Create(rootless)));
        var loaded = ConfigLoader.Load(bundle.Dir);
        Assert.Equal(DefaultSpec.Hostname, loaded.Config.Hostname);
        Assert.Equal(Path.Combine(bundle.Dir, "rootfs"), loaded.RootfsPath);
    }

    [Fact]
    public void RootfulDefaultMatchesRuncSpec()
    {
        var c = DefaultSpec.Create(false);
        Assert.Equal(KnownValues.SpecVersion, c.OciVersion);
        Assert.Equal("rootfs", c.Root!.Path);
        Assert.True(c.Root.Readonly);
        var p = c.Process!;
        Assert.True(p.Terminal);
        Assert.Equal(new[] { "sh" }, p.Args);
        Assert.Equal("/", p.Cwd);
        Assert.True(p.NoNewPrivileges);
        Assert.Equal(new[] { "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE" }, p.Capabilities!.Bounding);
        Assert.Null(p.Capabilities.Inheritable);
        var nofile = Assert.Single(p.Rlimits!);
        Assert.Equal(("RLIMIT_NOFILE", 1024UL, 1024UL), (nofile.Type, nofile.Soft, nofile.Hard));
        Assert.Equal(new[] { "/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys", "/sys/fs/cgroup" },
            c.Mounts!.Select(m => m.Destination));
        Assert.Equal(new[] { "pid", "network", "ipc", "uts", "mount", "cgroup" }, c.Linux!.Namespaces!.Select(n => n.Type));
        Assert.Contains("/proc/kcore", c.Linux.MaskedPaths!);
        Assert.Contains("/proc/sys", c.Linux.ReadonlyPaths!);
        var deny = Assert.Single(c.Linux.Resources!.Devices!);
        Assert.False(deny.Allow);
        Assert.Equal("rwm", deny.Access);
        Assert.Null(c.Linux.UidMappings);
    }

    [Fact]
    public void RootlessDefaultMapsTheCallerAndDropsWhatNeedsRoot()
    {
        var c = DefaultSpec.Create(true, 1234, 5678, cgroupNamespace: false);
        Assert.Equal(new[] { "pid", "ipc", "uts", "mount", "user" }, c.Linux!.Namespaces!.Select(n => n.Type));
        var uid = Assert.Single(c.Linux.UidMappings!);
        var gid = Assert.Single(c.Linux.GidMappings!);
        Assert.Equal((0u, 1234u, 1u), (uid.ContainerId, uid.HostId, uid.Size));
        Assert.Equal((0u, 5678u, 1u), (gid.ContainerId, gid.HostId, gid.Size));
        var sys = c.Mounts!.Single(m => m.Destination == "/sys");
        Assert.Equal(("none", "/sys"), (sys.Type, sys.Source));
        Assert.Contains("rbind", sys.Options!);
        Assert.DoesNotContain(c.Mounts!.SelectMany(m => m.Options ?? new()), o => o.StartsWith("gid=") || o.StartsWith("uid="));
        Assert.Null(c.Linux.Resources);
    }

    [Fact]
    public void RootlessDefaultMapsTheEffectiveIdsOfTheCaller()
    {
        var c = DefaultSpec.Create(true);
        var status = File.ReadAllLines("/proc/self/status");
        uint Field(string name) => uint.Parse(status.Single(l => l.StartsWith(name)).Split('\t', StringSplitOptions.RemoveEmptyEntries)[2]);
        Assert.Equal(Field("Uid:"), c.Linux!.UidMappings![0].HostId);
        Assert.Equal(Field("Gid:"), c.Linux.GidMappings![0].HostId);
    }

    [Fact]
    public void SerializationIsIndentedAndOmitsAbsentMembers()
    {
        string json = SpecJson.Serialize(DefaultSpec.Create(false));
        Assert.Contains("\n  \"ociVersion\": ", json);
        Assert.DoesNotContain("null", json);
        Assert.DoesNotContain("\"domainname\"", json);
    }
}
