namespace OciRuntime.Conformance.Fuzz;

/// <summary>
/// The host directory of one fuzz case, at a path that depends only on the case name
/// (/tmp/oci-fuzz/&lt;seed&gt;-&lt;index&gt;), so that a saved config.json, whose bind sources, canary
/// paths and cgroupsPath name this dir, replays unchanged:
///   bundle/config.json, bundle/rootfs (tiny busybox: sh, true, sleep; hostile symlinks), bundle/rootfs-link
///   state/   the --root of every runtime call
///   bind/    the only bind-mount sources a case may name (dir/, file, link-dir -> dir)
///   canary/  must stay empty: every `..` path and rootfs symlink the generators emit lands here when it
///            is resolved on the host instead of in the rootfs, so anything found here is an escape.
/// </summary>
public sealed class FuzzCaseDir
{
    public const string Base = "/tmp/oci-fuzz";
    public const string CgroupParent = "oci-fuzz";

    public string Name { get; }
    public string Dir { get; }
    public string Id => "ofz-" + Name;
    public string CgroupsPath => $"/{CgroupParent}/{Id}";
    public string Bundle => Path.Combine(Dir, "bundle");
    public string ConfigPath => Path.Combine(Bundle, "config.json");
    public string Rootfs => Path.Combine(Bundle, "rootfs");
    public string StateRoot => Path.Combine(Dir, "state");
    public string BindDir => Path.Combine(Dir, "bind");
    public string Canary => Path.Combine(Dir, "canary");

    /// <summary>What a case dir holds when nothing escaped (the runtime may add nothing else).</summary>
    public static readonly string[] ExpectedTop = ["bundle", "state", "bind", "canary"];
    public static readonly string[] ExpectedBundle = ["config.json", "rootfs", "rootfs-link"];

    public FuzzCaseDir(string name)
    {
        Name = name;
        Dir = Path.Combine(Base, name);
    }

    /// <summary>Enough `..` to climb from any rootfs directory to / on the host, then into the canary.</summary>
    public string DotDotToCanary(string sub) => "/" + string.Concat(Enumerable.Repeat("../", 12)) + Canary.TrimStart('/') + "/" + sub;

    public void Create()
    {
        Directory.CreateDirectory(Base);
        foreach (var d in new[] { Bundle, StateRoot, Canary, Path.Combine(BindDir, "dir") })
            Directory.CreateDirectory(d);
        File.WriteAllText(Path.Combine(BindDir, "dir", "in-dir"), "x");
        File.WriteAllText(Path.Combine(BindDir, "file"), "x");
        File.CreateSymbolicLink(Path.Combine(BindDir, "link-dir"), "dir");

        foreach (var d in new[] { "bin", "etc", "proc", "dev", "sys", "tmp" })
            Directory.CreateDirectory(Path.Combine(Rootfs, d));
        File.SetUnixFileMode(Path.Combine(Rootfs, "tmp"), (UnixFileMode)0b1_111_111_111);
        Link(SharedBusybox(), Path.Combine(Rootfs, "bin", "busybox"));
        foreach (var applet in new[] { "sh", "true", "false", "sleep", "cat", "ls" })
            File.CreateSymbolicLink(Path.Combine(Rootfs, "bin", applet), "busybox");
        File.WriteAllText(Path.Combine(Rootfs, "etc", "passwd"), "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n");
        File.WriteAllText(Path.Combine(Rootfs, "etc", "group"), "root:x:0:\nnobody:x:65534:\n");

        // Hostile symlinks: resolved in the rootfs they stay inside it; resolved on the host they
        // reach the canary (or this case's dir), never anything else of the host.
        File.CreateSymbolicLink(Path.Combine(Rootfs, "lnk-up"), string.Concat(Enumerable.Repeat("../", 12)) + Canary.TrimStart('/'));
        File.CreateSymbolicLink(Path.Combine(Rootfs, "lnk-abs"), Canary);
        File.CreateSymbolicLink(Path.Combine(Rootfs, "lnk-loop"), "lnk-loop");
        File.CreateSymbolicLink(Path.Combine(Rootfs, "lnk-proc"), "proc");
        File.CreateSymbolicLink(Path.Combine(Rootfs, "tmp", "lnk-dotdot"), "../../..");
        File.CreateSymbolicLink(Path.Combine(Rootfs, "etc", "mtab"), "/proc/self/mounts");
        File.CreateSymbolicLink(Path.Combine(Bundle, "rootfs-link"), "rootfs");
    }

    static readonly Lazy<string> s_busybox = new(() =>
    {
        Directory.CreateDirectory(Base);
        string p = Path.Combine(Base, ".busybox");
        if (!File.Exists(p))
        {
            File.Copy(BusyboxRootfs.HostBusybox, p + ".tmp", overwrite: true);
            File.SetUnixFileMode(p + ".tmp", (UnixFileMode)0b111_101_101);
            File.Move(p + ".tmp", p, overwrite: true);
        }
        return p;
    });

    static string SharedBusybox() => s_busybox.Value;

    static void Link(string existing, string link)
    {
        if (Native.link(existing, link) != 0) File.Copy(existing, link);
    }
}
