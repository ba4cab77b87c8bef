using System.Diagnostics;
using System.Text.Json.Nodes;

namespace OciRuntime.Conformance.Tests;

/// <summary>
/// Issue 4, a hostile image: every container path (mount destinations, device nodes, masked paths) must
/// resolve INSIDE the rootfs, as if the rootfs were "/", whatever symlinks and ".." the image holds, and
/// however it changes them while the runtime works (CVE-2021-30465). Each test builds its own writable
/// copy of the busybox rootfs and makes it hostile.
///
/// Why a naive runtime fails each one: a runtime that joins strings (rootfs + "/" + destination) and
/// hands that to mkdir/mknod/mount lets the kernel follow the image's symlinks from the HOST's root, so
/// the directory, node or mount lands on the host's path (in the container's mount namespace, which the
/// container no longer sees after pivot_root): inside, the expected mount/node is missing, and the
/// host gets a stray directory or node (/tmp/&lt;unique&gt;). Each test asserts both.
///
/// Host paths the attacks aim at are unique names under the host's /tmp (never /etc or /), so that a
/// broken runtime can only litter /tmp.
/// </summary>
public class PathSafetyTests
{
    // The rootfs copy sits 4 levels below / (/tmp/oci-conformance-*/tests/<id>/rootfs): 12 ".." reach / from anywhere.
    const string Up = "../../../../../../../../../../../../";

    static string[] Lines(string s) => s.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()).ToArray();

    /// <summary>A unique host path under /tmp that the attack aims at; removed afterwards.</summary>
    sealed class HostTarget : IDisposable
    {
        public string Name { get; }
        public string Path => "/tmp/" + Name;
        public HostTarget(Container c) { Name = "oci-attack-" + c.Id; }
        public void Dispose()
        {
            HostileRootfs.HostUnmount(Path);
            try { if (Directory.Exists(Path)) Directory.Delete(Path, true); else File.Delete(Path); } catch (IOException) { }
        }
    }

    /// <summary>
    /// The host's mount points where an escaped mount could land: "/", "/tmp" and anything under
    /// /tmp/oci-attack-* (the attack targets). Other engineers' tests run concurrently on this machine and
    /// mount elsewhere (containerd shims under /tmp/occ-*), so a global before/after diff would be flaky.
    /// </summary>
    static HashSet<string> HostMounts() => MountInfo.HostMountPoints()
        .Where(m => m == "/" || m == "/tmp" || m.StartsWith("/tmp/oci-attack-", StringComparison.Ordinal)).ToHashSet();

    static void AssertNoNewHostMounts(HashSet<string> before, string context)
    {
        var added = HostMounts().Except(before).ToList();
        Assert.True(added.Count == 0, $"{context}: new mounts in the host's mount namespace: {string.Join(", ", added)}");
    }

    /// <summary>
    /// create → (host checks while created, and the container's own mountinfo via /proc/PID) → start → wait.
    /// Returns the container's stdout and its mountinfo as seen from the host while created.
    /// </summary>
    static (string Stdout, string MountinfoFromHost) CreateCheckStart(Container c, HashSet<string> hostBefore)
    {
        var created = c.Create().ShouldSucceed();
        AssertNoNewHostMounts(hostBefore, "after create");
        string mi = File.ReadAllText($"/proc/{c.Pid()}/mountinfo");
        c.Start().ShouldSucceed();
        c.WaitForStatus("stopped");
        created.WaitForOutput();
        AssertNoNewHostMounts(hostBefore, "after the container ran");
        return (created.Stdout, mi);
    }

    // Naive: rootfs + "/evil/tmp/X" → the kernel follows evil -> / from the host's root → the mount covers
    // the host's /tmp/X (in the container's mount namespace), so the container has no mount at /tmp/X
    // (MountInfo.At is null, grep -c prints 0) and the rootfs never gets tmp/X.
    [Theory]
    [InlineData("tmpfs")]
    [InlineData("bind")]
    public void AbsoluteSymlinkToHostRoot_MountLandsInsideRootfs(string type)
    {
        using var c = new Container("abs-symlink-" + type);
        using var target = new HostTarget(c);
        string root = HostileRootfs.UseCopy(c);
        File.CreateSymbolicLink(Path.Combine(root, "evil"), "/"); // rootfs/evil -> /  (the host's / for a naive join)
        // A host dir with a marker at the aimed path: a naive runtime would mount over it.
        Directory.CreateDirectory(target.Path);
        File.WriteAllText(Path.Combine(target.Path, "marker"), "host marker\n");
        string src = Path.Combine(c.Dir, "bindsrc");
        Directory.CreateDirectory(src);
        File.WriteAllText(Path.Combine(src, "from-bind"), "bound\n");
        c.Configure(b =>
        {
            if (type == "tmpfs") b.AddMount($"/evil/tmp/{target.Name}", "tmpfs", "tmpfs", "size=128k");
            else b.AddMount($"/evil/tmp/{target.Name}", "bind", src, "bind");
            b.Sh($"ls -A /tmp/{target.Name}; grep -c ' /tmp/{target.Name} ' /proc/self/mountinfo");
        });
        var before = HostMounts();
        var (stdout, mi) = CreateCheckStart(c, before);

        // Inside: the mount is at /tmp/<name> of the rootfs (evil -> / resolved in the rootfs).
        Assert.NotNull(MountInfo.At(mi, $"/tmp/{target.Name}"));
        Assert.Equal(type == "tmpfs" ? ["1"] : ["from-bind", "1"], Lines(stdout));
        Assert.True(Directory.Exists(Path.Combine(root, "tmp", target.Name)), "the mountpoint was not created in the rootfs");
        // The host: the marker is still there and visible (nothing mounted over it), nothing else appeared.
        Assert.Equal("host marker\n", File.ReadAllText(Path.Combine(target.Path, "marker")));
        Assert.Equal(["marker"], Directory.GetFileSystemEntries(target.Path).Select(p => Path.GetFileName(p)!).ToArray());
    }

    // Naive: rootfs + "/a/tmp/X" → a -> ../../.. climbs out of the rootfs dir to the host's / → mkdir
    // creates the host's /tmp/X and the mount lands there: no mount inside, and /tmp/X exists on the host.
    [Theory]
    [InlineData("tmpfs")]
    [InlineData("bind")]
    public void RelativeSymlinkInTheMiddle_ResolvesInsideRootfs(string type)
    {
        using var c = new Container("mid-symlink-" + type);
        using var target = new HostTarget(c);
        string root = HostileRootfs.UseCopy(c);
        // rootfs/a -> ../../../../...: from the rootfs dir on the host that climbs to the host's /; resolved
        // in the rootfs, ".." stops at the rootfs root, so /a/tmp/X is the rootfs's /tmp/X.
        File.CreateSymbolicLink(Path.Combine(root, "a"), Up);
        string src = Path.Combine(c.Dir, "bindsrc");
        Directory.CreateDirectory(src);
        File.WriteAllText(Path.Combine(src, "from-bind"), "bound\n");
        c.Configure(b =>
        {
            if (type == "tmpfs") b.AddMount($"/a/tmp/{target.Name}", "tmpfs", "tmpfs", "size=128k");
            else b.AddMount($"/a/tmp/{target.Name}", "bind", src, "bind");
            b.Sh($"ls -A /tmp/{target.Name}; grep -c ' /tmp/{target.Name} ' /proc/self/mountinfo");
        });
        var (stdout, mi) = CreateCheckStart(c, HostMounts());
        Assert.NotNull(MountInfo.At(mi, $"/tmp/{target.Name}"));
        Assert.Equal(type == "tmpfs" ? ["1"] : ["from-bind", "1"], Lines(stdout));
        Assert.False(Path.Exists(target.Path), $"{target.Path} was created on the host");
    }

    // Naive: Path.Join(rootfs, "/../../../tmp/X") is the host's /tmp/X once the kernel walks the ".."s:
    // the host gets /tmp/X and the container no mount. (The destinations are absolute, as the spec requires.)
    [Theory]
    [InlineData("/../../../../../../../../../../tmp/{0}")]
    [InlineData("/tmp/../../../../../../../../../../tmp/{0}")]
    [InlineData("/bin/../../../../../../../../tmp/./{0}")]
    public void DotDotEscapes_AreClampedAtTheRootfsRoot(string destinationFormat)
    {
        using var c = new Container("dotdot");
        using var target = new HostTarget(c);
        string root = HostileRootfs.UseCopy(c);
        string destination = string.Format(destinationFormat, target.Name);
        c.Configure(b =>
        {
            b.AddMount(destination, "tmpfs", "tmpfs", "size=128k");
            b.Sh($"grep ' /tmp/{target.Name} ' /proc/self/mountinfo | grep -c size=128k");
        });
        var (stdout, mi) = CreateCheckStart(c, HostMounts());
        Assert.NotNull(MountInfo.At(mi, $"/tmp/{target.Name}"));
        Assert.Equal(["1"], Lines(stdout));
        Assert.True(Directory.Exists(Path.Combine(root, "tmp", target.Name)));
        Assert.False(Path.Exists(target.Path), $"{target.Path} was created on the host");
    }

    // Naive: mknod(rootfs + "/evil/tmp/X-abs") follows evil -> / and creates the node in the host's /tmp
    // (a device node the host never asked for); the container has no /tmp/X-abs. Same for the relative link.
    [Fact]
    public void DevicePathThroughSymlink_NodeIsCreatedInsideRootfs()
    {
        using var c = new Container("dev-symlink");
        using var target = new HostTarget(c);
        string root = HostileRootfs.UseCopy(c);
        File.CreateSymbolicLink(Path.Combine(root, "evil"), "/");
        File.CreateSymbolicLink(Path.Combine(root, "rel"), Up + "tmp");
        c.Configure(b =>
        {
            b.Linux["devices"] = new JsonArray(
                new JsonObject { ["path"] = $"/evil/tmp/{target.Name}-abs", ["type"] = "c", ["major"] = 1, ["minor"] = 3, ["fileMode"] = 438, ["uid"] = 0, ["gid"] = 0 },
                new JsonObject { ["path"] = $"/rel/{target.Name}-rel", ["type"] = "c", ["major"] = 1, ["minor"] = 5, ["fileMode"] = 438, ["uid"] = 0, ["gid"] = 0 });
            b.Sh($"stat -c '%F %t:%T' /tmp/{target.Name}-abs /tmp/{target.Name}-rel");
        });
        var (stdout, _) = CreateCheckStart(c, HostMounts());
        Assert.Equal(["character special file 1:3", "character special file 1:5"], Lines(stdout));
        Assert.False(Path.Exists(target.Path + "-abs"), "a device node was created on the host's /tmp");
        Assert.False(Path.Exists(target.Path + "-rel"), "a device node was created on the host's /tmp");
        try { File.Delete(target.Path + "-abs"); File.Delete(target.Path + "-rel"); } catch (IOException) { }
    }

    // Naive: masking rootfs + "/etc/evil" before pivot_root follows the absolute link from the host's root
    // and bind-mounts /dev/null over the host's /tmp/X/secret; the image's secret is still readable inside.
    [Fact]
    public void MaskedPathSymlinkToHostFile_MasksTheRootfsFile_NotTheHosts()
    {
        using var c = new Container("mask-symlink");
        using var target = new HostTarget(c);
        string root = HostileRootfs.UseCopy(c);
        // The host has /tmp/X/secret; so does the image. The image's /etc/evil -> /tmp/X/secret (absolute).
        Directory.CreateDirectory(target.Path);
        File.WriteAllText(Path.Combine(target.Path, "secret"), "host secret\n");
        Directory.CreateDirectory(Path.Combine(root, "tmp", target.Name));
        File.WriteAllText(Path.Combine(root, "tmp", target.Name, "secret"), "image secret\n");
        File.CreateSymbolicLink(Path.Combine(root, "etc", "evil"), $"/tmp/{target.Name}/secret");
        c.Configure(b =>
        {
            b.Linux["maskedPaths"] = new JsonArray("/etc/evil");
            b.Sh($"echo \"[$(cat /etc/evil)]\"; echo \"[$(cat /tmp/{target.Name}/secret)]\"");
        });
        var (stdout, _) = CreateCheckStart(c, HostMounts());
        // The masked path, resolved in the container, is the image's file: it reads empty through the link
        // and directly. A naive runtime that masks before pivot_root through a joined host path masks the
        // HOST's /tmp/X/secret (in the container's mount namespace) and the image's secret stays readable.
        Assert.Equal(["[]", "[]"], Lines(stdout));
        Assert.Equal("host secret\n", File.ReadAllText(Path.Combine(target.Path, "secret")));
        Assert.Equal("image secret\n", File.ReadAllText(Path.Combine(root, "tmp", target.Name, "secret")));
    }

    /// <summary>
    /// CVE-2021-30465: while containers are created, a thread keeps exchanging rootfs/race (a directory)
    /// with a symlink to "/". A runtime that resolves the destination safely but then mounts by path
    /// (check, then use) sometimes follows the freshly swapped-in symlink to the host's /tmp/X; one that
    /// resolves and mounts through the same fd cannot. The host's /tmp/X exists (with a marker), so such a
    /// misdirected mount succeeds and is caught: the container then has no tmpfs of that size anywhere.
    /// A create may also fail cleanly (a runtime may notice the swap); it must never mount outside.
    /// </summary>
    [Fact]
    public void SymlinkExchangeRace_CVE_2021_30465_NeverMountsOutsideRootfs()
    {
        using var c = new Container("race");
        using var target = new HostTarget(c);
        string root = HostileRootfs.UseCopy(c);
        Directory.CreateDirectory(target.Path);
        File.WriteAllText(Path.Combine(target.Path, "marker"), "host marker\n");
        Directory.CreateDirectory(Path.Combine(root, "race", "tmp", target.Name));   // the directory state
        Directory.CreateDirectory(Path.Combine(root, "tmp", target.Name));           // where the symlink state resolves in the rootfs
        File.CreateSymbolicLink(Path.Combine(root, "race-swap"), "/");
        c.Configure(b =>
        {
            b.AddMount($"/race/tmp/{target.Name}", "tmpfs", "tmpfs", "size=128k");
            b.Sh("grep size=128k /proc/self/mountinfo | cut -d' ' -f5");
        });
        var hostBefore = HostMounts();
        // Where the tmpfs may show inside: on the directory state (/race/tmp/X), or where the symlink state
        // resolves in the rootfs (/tmp/X); a mount on the directory follows the directory when the swapper
        // renames it, so mountinfo may name it /race-swap/tmp/X at the moment the container reads it.
        var inside = new[] { $"/race/tmp/{target.Name}", $"/race-swap/tmp/{target.Name}", $"/tmp/{target.Name}" };
        int ok = 0, failed = 0, iterations = 0;
        var failures = new List<string>();
        var sw = Stopwatch.StartNew();
        using (var swapper = new SymlinkSwapper(Path.Combine(root, "race"), Path.Combine(root, "race-swap")))
        {
            while (iterations < 150 && sw.Elapsed < TimeSpan.FromSeconds(15))
            {
                iterations++;
                var r = c.Run();
                c.Delete(force: true);
                if (r.ExitCode == 0)
                {
                    ok++;
                    var where = Lines(r.Stdout);
                    Assert.True(where.Length == 1 && inside.Contains(where[0]),
                        $"iteration {iterations}: the tmpfs is not inside the container at {string.Join(" or ", inside)}:\n{r.Describe()}");
                }
                else
                {
                    failed++;
                    if (failures.Count < 3) failures.Add(r.Stderr.Trim());
                }
                Assert.Equal("host marker\n", File.ReadAllText(Path.Combine(target.Path, "marker")));
                AssertNoNewHostMounts(hostBefore, $"iteration {iterations}");
            }
            Console.WriteLine($"race: {iterations} containers in {sw.Elapsed.TotalSeconds:0.0} s, {ok} ran, {failed} refused, {swapper.Swaps} swaps ({swapper.Errors} failed); " +
                              $"first refusals: {string.Join(" | ", failures)}");
        }
        Assert.Equal(["marker"], Directory.GetFileSystemEntries(target.Path).Select(p => Path.GetFileName(p)!).ToArray());
        // The race must really have been run: most containers start (a refusal every time would hide nothing).
        Assert.True(ok >= iterations / 4, $"only {ok} of {iterations} containers ran; refusals: {string.Join(" | ", failures)}");
    }
}
