namespace OciRuntime.Conformance;

/// <summary>
/// A busybox root filesystem built once per test run, at test time, from Debian's busybox-static:
/// /bin/busybox, one symlink per applet of `busybox --list` in /bin, /etc/passwd and /etc/group with
/// root and nobody, and empty /proc /dev /sys /tmp. Containers share it read-only (root.readonly).
/// </summary>
public static class BusyboxRootfs
{
    public const string HostBusybox = "/bin/busybox";

    static readonly Lazy<string> s_path = new(Build, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Absolute path of the rootfs (built on first use).</summary>
    public static string Path => s_path.Value;

    static string Build()
    {
        if (!File.Exists(HostBusybox))
            throw new InvalidOperationException($"{HostBusybox} is missing: apt-get install busybox-static");
        string root = TestEnv.NewDir("rootfs");
        foreach (var d in new[] { "bin", "etc", "proc", "dev", "sys", "tmp" })
            Directory.CreateDirectory(System.IO.Path.Combine(root, d));
        File.SetUnixFileMode(System.IO.Path.Combine(root, "tmp"), (UnixFileMode)0b1_111_111_111);

        string busybox = System.IO.Path.Combine(root, "bin", "busybox");
        File.Copy(HostBusybox, busybox);
        File.SetUnixFileMode(busybox, (UnixFileMode)0b111_101_101);

        var list = ProcessRunner.Run(HostBusybox, ["--list"]).ShouldSucceed();
        int links = 0;
        foreach (var applet in list.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (applet == "busybox" || applet.Contains('/')) continue;
            File.CreateSymbolicLink(System.IO.Path.Combine(root, "bin", applet), "busybox");
            links++;
        }
        if (links < 50)
            throw new InvalidOperationException($"`busybox --list` gave only {links} applets: is {HostBusybox} busybox-static?");

        File.WriteAllText(System.IO.Path.Combine(root, "etc", "passwd"),
            "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n");
        File.WriteAllText(System.IO.Path.Combine(root, "etc", "group"), "root:x:0:\nnobody:x:65534:\n");
        return root;
    }
}
