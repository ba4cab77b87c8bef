using System.Text.Json;
using System.Text.Json.Nodes;

namespace OciRuntime.Conformance;

/// <summary>
/// A bundle dir whose config.json starts as the runtime's own `spec --bundle DIR` output and is then
/// edited as JSON: root.path = the shared busybox rootfs (read-only), process.terminal = false, an
/// absolute linux.cgroupsPath /oci-conformance/&lt;id&gt;. Tests edit Config further; Save() writes it.
/// </summary>
public sealed class Bundle
{
    public string Dir { get; }
    public string ConfigPath => Path.Combine(Dir, "config.json");
    public JsonObject Config { get; private set; }

    public Bundle(string dir, string id)
    {
        Dir = dir;
        Directory.CreateDirectory(dir);
        File.SetUnixFileMode(dir, (UnixFileMode)0b111_101_101);
        RuntimeCli.Bare("spec", "--bundle", dir).ShouldSucceed();
        Assert.True(File.Exists(ConfigPath), $"`{TestEnv.RuntimeName} spec --bundle {dir}` wrote no config.json");
        Config = JsonNode.Parse(File.ReadAllText(ConfigPath))!.AsObject();

        Config["root"] = new JsonObject { ["path"] = BusyboxRootfs.Path, ["readonly"] = true };
        Process["terminal"] = false;
        Linux["cgroupsPath"] = Cgroups.PathFor(id);
        // Marks the container's processes (see Processes.Marked) so that leftovers can be found and killed.
        var env = (Process["env"] ??= new JsonArray()).AsArray();
        env.Add(Processes.Marker(id));
        Save();
    }

    public JsonObject Process => (Config["process"] ??= new JsonObject()).AsObject();
    public JsonObject Linux => (Config["linux"] ??= new JsonObject()).AsObject();
    public JsonArray Namespaces => (Linux["namespaces"] ??= new JsonArray()).AsArray();

    public Bundle Args(params string[] args)
    {
        Process["args"] = new JsonArray(args.Select(a => (JsonNode?)JsonValue.Create(a)).ToArray());
        return this;
    }

    /// <summary>process.args = sh -c SCRIPT.</summary>
    public Bundle Sh(string script) => Args("sh", "-c", script);

    /// <summary>Adds the namespace (or replaces the entry of that type); path = join an existing one.</summary>
    public Bundle SetNamespace(string type, string? path = null)
    {
        RemoveNamespace(type);
        var ns = new JsonObject { ["type"] = type };
        if (path != null) ns["path"] = path;
        Namespaces.Add(ns);
        return this;
    }

    public Bundle RemoveNamespace(string type)
    {
        var ns = Namespaces;
        for (int i = ns.Count - 1; i >= 0; i--)
            if ((string?)ns[i]?["type"] == type) ns.RemoveAt(i);
        return this;
    }

    public bool HasNamespace(string type) => Namespaces.Any(n => (string?)n?["type"] == type);

    /// <summary>A user namespace mapping container ids 0..size-1 to host ids hostId.. (uid and gid).</summary>
    public Bundle UserNamespace(uint hostId = 100000, uint size = 65536, string? path = null)
    {
        SetNamespace("user", path);
        Linux["uidMappings"] = new JsonArray(new JsonObject { ["containerID"] = 0, ["hostID"] = hostId, ["size"] = size });
        Linux["gidMappings"] = new JsonArray(new JsonObject { ["containerID"] = 0, ["hostID"] = hostId, ["size"] = size });
        return this;
    }

    public Bundle AddMount(string destination, string type, string source, params string[] options)
    {
        var mounts = (Config["mounts"] ??= new JsonArray()).AsArray();
        var m = new JsonObject { ["destination"] = destination, ["type"] = type, ["source"] = source };
        if (options.Length > 0) m["options"] = new JsonArray(options.Select(o => (JsonNode?)JsonValue.Create(o)).ToArray());
        mounts.Add(m);
        return this;
    }

    public void Save() =>
        File.WriteAllText(ConfigPath, Config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
}
