using System.Text.Json.Nodes;

namespace OciRuntime.Conformance.Tests;

/// <summary>config.md mounts[].uidMappings/gidMappings with the "idmap" option (mount_setattr MOUNT_ATTR_IDMAP).</summary>
public class IdmapMountTests
{
    [Fact]
    public void IdmappedBind_ShowsSourceOwnersThroughTheMapping()
    {
        using var c = new Container("idmap");
        string src = TestEnv.NewDir(Path.Combine("tests", c.Id, "idmap-src"));
        File.WriteAllText(Path.Combine(src, "owned-by-root"), "x");   // on disk: uid 0, gid 0 (the test runs as root)
        var mapping = new JsonArray(new JsonObject { ["containerID"] = 0, ["hostID"] = 1000, ["size"] = 1 });
        c.Configure(b =>
        {
            b.Config["mounts"]!.AsArray().Add(new JsonObject
            {
                ["destination"] = "/mnt",
                ["type"] = "bind",
                ["source"] = src,
                ["options"] = new JsonArray("bind", "idmap"),
                ["uidMappings"] = mapping.DeepClone(),
                ["gidMappings"] = mapping.DeepClone(),
            });
            b.Sh("stat -c '%u %g' /mnt/owned-by-root");
        });
        string got = c.Run().ShouldSucceed().Stdout.Trim();
        if (TestEnv.IsRunc)
        {
            Assert.Equal("0 0", got);   // runc 1.1.5 predates idmapped mounts and ignores the mappings
            return;
        }
        // The mapping converts the source's uid 0 to 1000 at the destination (config.md "uidMappings").
        Assert.Equal("1000 1000", got);
    }

    [Fact]
    public void IdmapOption_WithoutMappingsOrUserNamespace_IsAnError()
    {
        using var c = new Container("idmap-bad");
        string src = TestEnv.NewDir(Path.Combine("tests", c.Id, "idmap-src"));
        c.Configure(b =>
        {
            b.AddMount("/mnt", "bind", src, "bind", "idmap");
            b.Args("true");
        });
        var r = c.Run();
        if (TestEnv.IsRunc) { r.ShouldSucceed(); return; }   // runc 1.1.5 ignores "idmap"
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("idmap", r.Stderr);
    }
}
