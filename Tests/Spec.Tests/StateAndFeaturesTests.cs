using System.Text.Json;
using System.Text.Json.Nodes;
using OciRuntime.Spec.Features;
using OciRuntime.Spec.Json;
using OciRuntime.Spec.State;
using OciRuntime.Spec.Validation;

namespace OciRuntime.Spec.Tests;

public class StateAndFeaturesTests
{
    [Theory]
    [InlineData(ContainerStatus.Creating, 0)]
    [InlineData(ContainerStatus.Created, 4422)]
    [InlineData(ContainerStatus.Running, 1)]
    [InlineData(ContainerStatus.Stopped, 0)]
    public void StateIsValidAgainstStateSchema(string status, int pid)
    {
        var state = new ContainerState
        {
            OciVersion = KnownValues.SpecVersion, Id = "c1", Status = status, Pid = pid, Bundle = "/containers/c1",
            Annotations = pid == 0 ? null : new Dictionary<string, string> { ["myKey"] = "myValue" },
        };
        string json = SpecJson.Serialize(state);
        SchemaAssert.Valid(json, "state-schema.json");
        Assert.Contains("\"pid\": " + pid, json);
    }

    [Fact]
    public void SpecStateExampleRoundTrips()
    {
        string json = File.ReadAllText(Path.Combine(SchemaAssert.SchemaDir, "test/state/good/spec-example.json"));
        var state = JsonSerializer.Deserialize(json, SpecJsonContext.Default.ContainerState)!;
        Assert.Equal(("oci-container1", "running", 4422, "/containers/redis"), (state.Id, state.Status, state.Pid, state.Bundle));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(json), JsonNode.Parse(SpecJson.Serialize(state))));
    }

    [Fact]
    public void ContainerProcessStateHasTheSpecShape()
    {
        var ps = new ContainerProcessState
        {
            OciVersion = "1.0.2", Fds = new() { "seccompFd" }, Pid = 4422, Metadata = "m",
            State = new ContainerState { OciVersion = "1.0.2", Id = "c", Status = ContainerStatus.Creating, Pid = 4422, Bundle = "/b" },
        };
        var node = JsonNode.Parse(JsonSerializer.Serialize(ps, SpecJsonContext.Default.ContainerProcessState))!;
        Assert.Equal("seccompFd", (string?)node["fds"]![0]);
        Assert.Equal("creating", (string?)node["state"]!["status"]);
        SchemaAssert.Valid(node["state"]!.ToJsonString(), "state-schema.json");
    }

    public static IEnumerable<object[]> GoodFeatures =>
        Directory.GetFiles(Path.Combine(SchemaAssert.SchemaDir, "test/features/good"), "*.json").Select(f => new object[] { Path.GetFileName(f) });

    [Theory]
    [MemberData(nameof(GoodFeatures))]
    public void FeaturesExamplesRoundTrip(string file)
    {
        string json = File.ReadAllText(Path.Combine(SchemaAssert.SchemaDir, "test/features/good", file));
        var features = JsonSerializer.Deserialize(json, SpecJsonContext.Default.RuntimeFeatures)!;
        string again = SpecJson.Serialize(features);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(json), JsonNode.Parse(again)), again);
        SchemaAssert.Valid(again, "features-schema.json");
    }

    [Fact]
    public void FeaturesBuiltFromKnownValuesAreSchemaValid()
    {
        var f = new RuntimeFeatures
        {
            OciVersionMin = KnownValues.SpecVersionMin,
            OciVersionMax = KnownValues.SpecVersion,
            Hooks = KnownValues.HookNames.ToList(),
            Linux = new LinuxFeatures
            {
                Namespaces = KnownValues.NamespaceTypes.ToList(),
                Capabilities = KnownValues.Capabilities.ToList(),
                Cgroup = new CgroupFeatures { V1 = false, V2 = true, Systemd = false, SystemdUser = false, Rdma = false },
                Seccomp = new SeccompFeatures { Enabled = true, Actions = new() { "SCMP_ACT_ALLOW" } },
                Apparmor = new EnabledFeature { Enabled = false },
                Selinux = new EnabledFeature { Enabled = false },
                IntelRdt = new IntelRdtFeatures { Enabled = false },
                MemoryPolicy = new MemoryPolicyFeatures { Modes = KnownValues.MemoryPolicyModes.ToList(), Flags = KnownValues.MemoryPolicyFlags.ToList() },
                MountExtensions = new MountExtensionsFeatures { Idmap = new EnabledFeature { Enabled = false } },
                NetDevices = new EnabledFeature { Enabled = false },
            },
            PotentiallyUnsafeConfigAnnotations = new() { "org.systemd.property." },
        };
        string json = SpecJson.Serialize(f);
        SchemaAssert.Valid(json, "features-schema.json");
        // "null MUST NOT be confused with an empty value": absent members stay absent.
        Assert.DoesNotContain("\"mountOptions\"", json);
        Assert.DoesNotContain("\"annotations\"", json);
    }
}
