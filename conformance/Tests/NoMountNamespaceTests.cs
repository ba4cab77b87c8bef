using System.Text.Json.Nodes;
using OciRuntime.Conformance.Security;

namespace OciRuntime.Conformance.Tests;

/// <summary>
/// Issue 12: a config without a mount namespace is valid (runtime-tools' linux_ns_itype). The
/// container's mounts are then made in the caller's mount namespace, so every case here runs the
/// runtime inside `unshare -m --propagation private` (its own copy of the host's mounts: the host's
/// are never touched), with "/" made shared first there so that a change of its propagation shows.
/// Checked: the caller's "/" keeps its propagation (runc 1.1 makes it rslave), the container's
/// mounts exist while it does and are gone after delete, and after `delete --force` of a create
/// that was killed midway. The weak build (OCI_WEAKEN_HOST_MOUNTNS) behaves as runc and must fail.
/// </summary>
public class NoMountNamespaceTests
{
    // $1 runtime, $2 --root, $3 bundle, $4 id, $5 rootfs, $6 hook marker (second case only)
    const string Prelude = """
        set -u
        rt=$1 root=$2 bundle=$3 id=$4 rootfs=$(realpath "$5") mark=$6
        mount --make-rshared /
        prop() { awk '$5 == "/" { for (i = 7; $i != "-"; i++) printf "%s ", $i; print "" }' /proc/self/mountinfo | tail -1; }
        under() { awk -v d="$rootfs" '$5 == d || index($5, d "/") == 1' /proc/self/mountinfo | wc -l; }
        echo "root-before: $(prop)"
        echo "mounts-before: $(under)"
        """;

    const string Lifecycle = """
        "$rt" --root "$root" create --bundle "$bundle" "$id" </dev/null >/dev/null 2>"$bundle/create.err" || { echo "create failed: $(cat "$bundle/create.err")"; exit 1; }
        echo "mounts-created: $(under)"
        echo "root-created: $(prop)"
        "$rt" --root "$root" start "$id" || exit 1
        for i in $(seq 100); do "$rt" --root "$root" state "$id" | grep -q '"stopped"' && break; sleep 0.1; done
        "$rt" --root "$root" delete "$id" || exit 1
        echo "mounts-deleted: $(under)"
        echo "root-deleted: $(prop)"
        """;

    const string KilledCreate = """
        "$rt" --root "$root" create --bundle "$bundle" "$id" </dev/null >/dev/null 2>&1 & create=$!
        for i in $(seq 200); do [ -s "$mark" ] && break; sleep 0.05; done
        [ -s "$mark" ] || { echo "the prestart hook never ran"; kill -9 $create; exit 1; }
        kill -9 $create; wait $create 2>/dev/null
        kill -9 "$(cat "$mark")" 2>/dev/null
        sleep 0.2
        echo "mounts-killed: $(under)"
        "$rt" --root "$root" delete --force "$id" || echo "delete-force-failed: 1"
        echo "mounts-deleted: $(under)"
        echo "root-deleted: $(prop)"
        """;

    static Container NewContainer(string tag, bool weak)
    {
        var c = SecuritySuite.ContainerOfBuild(tag, weak);
        c.Configure(b =>
        {
            b.RemoveNamespace("mount");
            b.Linux.Remove("maskedPaths");
            b.Linux.Remove("readonlyPaths");
            b.Args("true");
        });
        return c;
    }

    static Dictionary<string, string> RunUnshared(Container c, string script, string mark = "-")
    {
        var r = ProcessRunner.Run("unshare", ["-m", "--propagation", "private", "sh", "-c", Prelude + "\n" + script, "sh",
            c.Cli.Runtime, c.RootDir, c.Bundle.Dir, c.Id, BusyboxRootfs.Path, mark], new RunOptions { Timeout = TimeSpan.FromSeconds(40) });
        Assert.True(r.ExitCode == 0, r.Describe());
        var values = new Dictionary<string, string>();
        foreach (string line in r.Stdout.Split('\n'))
            if (line.IndexOf(": ", StringComparison.Ordinal) is int i and > 0) values[line[..i]] = line[(i + 2)..].Trim();
        values["output"] = r.Describe();
        return values;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void NoMountNamespace_Runs_KeepsCallersRootPropagation_AndDeleteRemovesItsMounts(bool weak)
    {
        if (weak && TestEnv.IsRunc) return;
        using var c = NewContainer("nomntns", weak);
        var v = RunUnshared(c, Lifecycle);
        string output = v["output"];
        Assert.Contains("shared:", v["root-before"]);
        Assert.True(int.Parse(v["mounts-created"]) > int.Parse(v["mounts-before"]), "the container's mounts should be in the caller's namespace while it exists:\n" + output);
        bool rootKept = v["root-created"] == v["root-before"] && v["root-deleted"] == v["root-before"];
        bool mountsGone = v["mounts-deleted"] == v["mounts-before"];
        if (weak || TestEnv.IsRunc)
        {
            // runc 1.1.5 (and the weak build, which does as it does): "/" made rslave, mounts left behind.
            Assert.False(rootKept, "expected the caller's \"/\" propagation to change:\n" + output);
            Assert.False(mountsGone, "expected the container's mounts to stay after delete:\n" + output);
            return;
        }
        Assert.True(rootKept, "the caller's \"/\" propagation changed:\n" + output);
        Assert.True(mountsGone, "delete left the container's mounts in the caller's namespace:\n" + output);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void NoMountNamespace_CreateKilledMidway_DeleteForceRemovesItsMounts(bool weak)
    {
        if (weak && TestEnv.IsRunc) return;
        using var c = NewContainer("nomntns-killed", weak);
        string mark = Path.Combine(c.Dir, "hook.pid");
        c.Configure(b =>
        {
            // A prestart hook runs while the init waits with its rootfs mounted: the runtime is killed then.
            b.Config["hooks"] = new JsonObject
            {
                ["prestart"] = new JsonArray(new JsonObject
                {
                    ["path"] = "/bin/sh",
                    ["args"] = new JsonArray("sh", "-c", $"echo $$ > {mark}.tmp && mv {mark}.tmp {mark} && exec sleep 30"),
                }),
            };
        });
        var v = RunUnshared(c, KilledCreate, mark);
        string output = v["output"];
        Assert.True(int.Parse(v["mounts-killed"]) > int.Parse(v["mounts-before"]), "the killed create should have left its mounts:\n" + output);
        bool mountsGone = v["mounts-deleted"] == v["mounts-before"];
        bool rootKept = v["root-deleted"] == v["root-before"];
        if (weak || TestEnv.IsRunc)
        {
            Assert.False(mountsGone && rootKept, "expected runc's behaviour (mounts left, \"/\" changed):\n" + output);
            return;
        }
        Assert.True(mountsGone, "delete --force left the killed create's mounts:\n" + output);
        Assert.True(rootKept, "the caller's \"/\" propagation changed:\n" + output);
    }

    [Fact]
    public void NoMountNamespace_WithMaskedPaths_IsRefusedNamingTheField()
    {
        using var c = new Container("nomntns-masked");
        c.Configure(b =>
        {
            b.RemoveNamespace("mount");
            b.Linux.Remove("readonlyPaths");
            b.Linux["maskedPaths"] = new JsonArray("/proc/kcore");
            b.Args("true");
        });
        var v = RunUnshared(c, """
            "$rt" --root "$root" create --bundle "$bundle" "$id" </dev/null >/dev/null 2>"$bundle/create.err"
            echo "status: $?"
            echo "error: $(cat "$bundle/create.err")"
            echo "mounts-after: $(under)"
            """);
        Assert.True(v["status"] == "1", v["output"]);
        Assert.Equal(v["mounts-before"], v["mounts-after"]);
        if (TestEnv.IsRunc) Assert.Contains("without a private MNT namespace", v["error"]);
        else Assert.Contains("config.json: linux.maskedPaths:", v["error"]);
    }

    [Fact]
    public void NoMountNamespace_InAUserNamespace_IsRefusedBeforeAnyMount()
    {
        using var c = NewContainer("nomntns-userns", weak: false);
        c.Configure(b => b.UserNamespace());
        var v = RunUnshared(c, """
            "$rt" --root "$root" create --bundle "$bundle" "$id" </dev/null >/dev/null 2>"$bundle/create.err"
            echo "status: $?"
            echo "error: $(cat "$bundle/create.err")"
            echo "mounts-after: $(under)"
            "$rt" --root "$root" delete --force "$id" >/dev/null 2>&1
            echo "mounts-deleted: $(under)"
            """);
        Assert.True(v["status"] == "1", v["output"]);
        Assert.Equal(v["mounts-before"], v["mounts-deleted"]);
        if (!TestEnv.IsRunc)
        {
            Assert.Contains("config.json: linux.namespaces:", v["error"]);
            Assert.Equal(v["mounts-before"], v["mounts-after"]);
        }
    }
}
