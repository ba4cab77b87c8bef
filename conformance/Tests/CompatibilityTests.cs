using System.Text.Json.Nodes;

namespace OciRuntime.Conformance.Tests;

/// <summary>A drop-in replacement must run bundles made for runc, not only its own `spec` output.</summary>
public class CompatibilityTests
{
    // testdata/runc-1.1.5-spec.json is `runc spec` of runc 1.1.5, byte for byte. Its process lists ambient
    // capabilities with an empty inheritable set (so the kernel cannot raise them); runc runs it anyway,
    // leaving CapAmb empty. Only root.path, terminal, args and cgroupsPath are changed here.
    [Fact]
    public void RuncSpecTemplate_RunsUnchanged()
    {
        using var c = new Container("runc-template");
        string template = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "testdata", "runc-1.1.5-spec.json"));
        var cfg = JsonNode.Parse(template)!.AsObject();
        cfg["root"] = new JsonObject { ["path"] = BusyboxRootfs.Path, ["readonly"] = true };
        cfg["process"]!["terminal"] = false;
        cfg["process"]!["args"] = new JsonArray("sh", "-c", "echo ok; hostname; grep -E '^Cap(Eff|Amb)' /proc/self/status");
        cfg["linux"]!["cgroupsPath"] = Cgroups.PathFor(c.Id);
        File.WriteAllText(c.Bundle.ConfigPath, cfg.ToJsonString());

        var r = c.Cli.Exec("run", "--bundle", c.Bundle.Dir, c.Id).ShouldSucceed();
        var lines = r.Stdout.Split('\n');
        Assert.Equal("ok", lines[0]);
        Assert.Equal("runc", lines[1]);
        var status = Capabilities.StatusFields(r.Stdout);
        Assert.Equal(Capabilities.Hex(["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"]), status["CapEff"]);
        Assert.Equal("0000000000000000", status["CapAmb"]);
    }
}
