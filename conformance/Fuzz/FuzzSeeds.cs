using System.Text.Json;
using System.Text.Json.Nodes;

namespace OciRuntime.Conformance.Fuzz;

/// <summary>
/// The real configs every case starts from: containerd's and podman's (../shared/testdata), the
/// spec's schema test files (good and bad, schema/test/config), and runc 1.1.5's `runc spec` template
/// (conformance/testdata, the base docker's configs are built on). Parsed ones are normalized so that,
/// unmutated, they can create: root.path "rootfs", no terminal (there is no console socket).
/// </summary>
public static class FuzzSeeds
{
    public sealed record Seed(string Name, byte[] Bytes);

    static readonly Lazy<IReadOnlyList<Seed>> s_all = new(Load);

    public static IReadOnlyList<Seed> All => s_all.Value;

    static IReadOnlyList<Seed> Load()
    {
        var files = new List<string>
        {
            Path.Combine(SharedData.Dir, "testdata", "containerd-config.json"),
            Path.Combine(SharedData.Dir, "testdata", "podman-config.json"),
            Path.Combine(TestEnv.RepoRoot, "conformance", "testdata", "runc-1.1.5-spec.json"),
        };
        string schemaTests = Path.Combine(SharedData.Dir, "oci-runtime-spec", "schema", "test", "config");
        foreach (var kind in new[] { "good", "bad" })
            if (Directory.Exists(Path.Combine(schemaTests, kind)))
                files.AddRange(Directory.GetFiles(Path.Combine(schemaTests, kind), "*.json").Order(StringComparer.Ordinal));
        var missing = files.Where(f => !File.Exists(f)).ToList();
        if (missing.Count > 0)
            throw new InvalidOperationException("fuzz seed configs missing: " + string.Join(", ", missing) + " (set OCI_SHARED_DIR)");
        return files.Select(f => new Seed(Path.GetRelativePath(Path.GetDirectoryName(Path.GetDirectoryName(f)!)!, f), File.ReadAllBytes(f))).ToList();
    }

    /// <summary>The real clients' configs are picked six times, the spec's full example three times as often as each schema snippet.</summary>
    public static int Weight(int index) =>
        All[index].Name.Contains("testdata", StringComparison.Ordinal) ? 6 : All[index].Name.Contains("spec-example", StringComparison.Ordinal) ? 3 : 1;

    /// <summary>The document a case mutates: the seed, normalized, for this case.</summary>
    public static FuzzDoc Open(Seed seed, FuzzCaseDir c)
    {
        JsonNode? root;
        try { root = JsonNode.Parse(seed.Bytes); }
        catch (JsonException) { return new FuzzDoc(null, c) { RawSeed = seed.Bytes }; }
        if (root is JsonObject o)
        {
            if (o["root"] is JsonObject r) r["path"] = "rootfs";
            else o["root"] = new JsonObject { ["path"] = "rootfs" };
            if (o["process"] is JsonObject p)
            {
                p["terminal"] = false;
                p.Remove("apparmorProfile");   // no LSM on the test hosts: a label is refused before anything else
                p.Remove("selinuxLabel");
            }
            if (o["linux"] is JsonObject lsm)
            {
                lsm.Remove("mountLabel");
                lsm.Remove("intelRdt");
            }
            // Only the device rules: on a hybrid host oci-runtime refuses every v1-only controller, so a
            // seed with limits (podman's pids) would never get past create; mutations add limits back.
            if (o["linux"] is JsonObject { } l && l["resources"] is JsonObject res)
                foreach (var k in res.Select(kv => kv.Key).Where(k => k != "devices").ToList()) res.Remove(k);
        }
        return new FuzzDoc(root, c);
    }
}
