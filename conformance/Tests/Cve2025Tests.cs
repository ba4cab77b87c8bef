using System.Text.Json.Nodes;

namespace OciRuntime.Conformance.Tests;

/// <summary>
/// The runc escapes of November 2025, tried for real (issue 10, item 7). Each attack puts a mount or
/// a file the attacker controls where the runtime looks while it builds the container, and checks
/// that the runtime either refuses clearly or builds the container as configured, never with the
/// attacker's object in place. Every canary is a file under the test's own directory: a weak runtime
/// only ever writes there, never to the host's /proc.
///
/// - CVE-2025-31133: a masked path is covered with "/dev/null"; whoever controls what that name is
///   when the mount happens chooses the mask. Here the runtime runs in a mount namespace whose
///   /dev/null is a file of the attacker's (bound there before create, or bound and unbound in a loop
///   by a racing process during many creates). oci-runtime checks the object it binds is char 1:3.
///   (The OCI_WEAKEN_MASK_VERIFY build binds the container's dev/null instead: the static form fails
///   there because nothing refuses; a build with only the fstat check removed masks with the
///   attacker's file in both forms.) And the advisory's own scenario: the container's /dev/null
///   exchanged with a symlink while containers are created.
/// - CVE-2025-52565: the pty is bound over /dev/console. A mount over /proc/1/fd inside the
///   container's mount namespace (made by a createContainer hook, standing in for a racing process
///   with a shared mount) turns every later /proc/self/fd/N path of the init into the attacker's file.
///   oci-runtime binds the pty by fd (open_tree + move_mount), no path involved.
/// - CVE-2025-52881: the runtime's sysctl writes go to the container's /proc. Here that /proc is a
///   procfs on a shared mount the attacker also holds, with a file bound over
///   /proc/sys/kernel/domainname (before create, or toggled by a racing process). oci-runtime
///   writes through a procfs of its own, so the bound file never receives the value.
///
/// runc 1.1.5 predates the fixes (1.2.8/1.3.3): where it falls for an attack, the test records that
/// and passes (TestEnv.IsRunc), as other tests record runc's weaker behaviour.
/// </summary>
public class Cve2025Tests
{
    const string Masked = "/etc/hidden";

    static CliResult Sh(string script) => ProcessRunner.Run("/bin/sh", ["-c", script]);

    static string StatLine(string path) => Sh($"stat -c '%F %t:%T' '{path}'").ShouldSucceed().Stdout.Trim();

    /// <summary>`create` run by /bin/sh inside a private mount namespace, after <paramref name="prelude"/> ran there.</summary>
    static CliResult CreateInPrivateMountNs(Container c, string prelude)
    {
        c.Bundle.Save();
        string cmd = string.Join(' ', new[] { c.Cli.Runtime }.Concat(c.Cli.GlobalArgs())
            .Concat(["create", "--bundle", c.Bundle.Dir, c.Id]).Select(a => $"'{a}'"));
        string script = $"{prelude}\n{cmd}\nrc=$?\n[ -n \"$racer\" ] && kill $racer\nexit $rc";
        var env = new Dictionary<string, string> { [Processes.MarkerName] = c.Id };
        return ProcessRunner.Run("/usr/bin/unshare", ["--mount", "--propagation", "private", "/bin/sh", "-c", script],
            new RunOptions { DetachedStdio = true, Env = env });
    }

    // ---------- CVE-2025-31133: the mask source ----------

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void MaskSource_IsTheNullDevice_WhateverTheRuntimesDevNullIs(bool racing)
    {
        int iterations = racing ? 12 : 1;
        int masked = 0, refused = 0;
        var vulnerable = new List<string>();
        for (int i = 0; i < iterations; i++)
        {
            using var c = new Container("cve31133" + (racing ? "-race" : ""));
            string root = HostileRootfs.UseCopy(c);
            File.WriteAllText(Path.Combine(root, "etc", "hidden"), "secret\n");
            string canary = Path.Combine(c.Dir, "canary-null");
            File.WriteAllText(canary, "canary\n");
            c.Configure(b =>
            {
                b.Linux["maskedPaths"] = new JsonArray(Masked);
                b.Sh($"echo pwned > {Masked} 2>/dev/null; stat -c '%F %t:%T' {Masked}");
            });
            // The attacker's file where the runtime's /dev/null was: bound for good, or bound and
            // unbound in a loop while create runs.
            string prelude = racing
                ? $"(while :; do mount --bind '{canary}' /dev/null; umount /dev/null; done) 2>'{c.Dir}/racer.log' & racer=$!"
                : $"mount --bind '{canary}' /dev/null || exit 99";
            var created = CreateInPrivateMountNs(c, prelude);
            if (created.ExitCode != 0)
            {
                created.WaitForOutput();
                Assert.True(created.ExitCode != 99, "the test could not bind its canary over /dev/null");
                Assert.True(TestEnv.IsRunc || created.Stderr.Contains("null device", StringComparison.Ordinal),
                    $"create failed without saying why the mask source was refused:\n{created.Describe()}");
                refused++;
                continue;
            }
            c.Start().ShouldSucceed();
            c.WaitForStatus("stopped");
            created.WaitForOutput();
            string inside = created.Stdout.Trim();
            string canaryNow = File.ReadAllText(canary);
            if (inside != "character special file 1:3" || canaryNow != "canary\n")
                vulnerable.Add($"#{i}: {Masked} inside was \"{inside}\", the canary holds \"{canaryNow.Trim()}\"");
            else masked++;
        }
        Console.WriteLine($"CVE-2025-31133 ({(racing ? "racing" : "static")}): {masked} masked with the null device, {refused} refused, {vulnerable.Count} masked with the attacker's file");
        if (TestEnv.IsRunc && vulnerable.Count > 0)
        {
            Console.WriteLine($"runc (recorded, not failed): {string.Join("; ", vulnerable)}");
            return;
        }
        Assert.True(vulnerable.Count == 0, "the masked path was covered with the attacker's file: " + string.Join("; ", vulnerable));
        if (!racing && !TestEnv.IsRunc) Assert.Equal(1, refused);
    }

    /// <summary>
    /// The advisory's own scenario: the container's /dev is the image's directory (no tmpfs in the
    /// config), which the attacker keeps changing from outside, exchanging /dev/null with a symlink
    /// to a file of its own while containers are created. A runtime that binds "/dev/null" after
    /// pivot_root masks with the attacker's file whenever the symlink is in place at that moment.
    /// oci-runtime never binds the container's /dev/null (its mask source is the runtime's own,
    /// verified null device); the OCI_WEAKEN_MASK_VERIFY build binds the container's dev/null by
    /// path, as runc 1.1.5 does, and falls for it. runc 1.1.5's result is recorded.
    /// </summary>
    [Fact]
    public void MaskSource_IsNeverTheContainersDevNull_WhileItIsSwapped()
    {
        const int iterations = 12;
        int masked = 0, refused = 0;
        var vulnerable = new List<string>();
        for (int i = 0; i < iterations; i++)
        {
            using var c = new Container("cve31133-swap");
            string root = HostileRootfs.UseCopy(c);
            File.WriteAllText(Path.Combine(root, "etc", "hidden"), "secret\n");
            // The symlink names one absolute path that is a canary both from the host's / (a runtime
            // that follows it before pivot_root) and from the rootfs (after pivot_root).
            string hostCanary = Path.Combine(root, "canary-null");
            string rootfsCanary = root + hostCanary;
            Directory.CreateDirectory(Path.GetDirectoryName(rootfsCanary)!);
            File.WriteAllText(hostCanary, "canary\n");
            File.WriteAllText(rootfsCanary, "canary\n");
            string dev = Path.Combine(root, "dev");
            Sh($"rm -f '{dev}/null' && mknod -m 666 '{dev}/null' c 1 3 && ln -s '{hostCanary}' '{dev}/null-swap'").ShouldSucceed();
            c.Configure(b =>
            {
                var mounts = b.Config["mounts"]!.AsArray();
                foreach (var m in mounts.ToList())
                    if ((string?)m?["destination"] is "/dev" or "/dev/pts" or "/dev/shm" or "/dev/mqueue") mounts.Remove(m);
                b.Linux["maskedPaths"] = new JsonArray(Masked);
                b.Sh($"echo pwned > {Masked}; stat -c '%F %t:%T' {Masked}");
            });
            CliResult created;
            using (new SymlinkSwapper(Path.Combine(dev, "null"), Path.Combine(dev, "null-swap")))
                created = c.Create();
            if (created.ExitCode != 0)
            {
                created.WaitForOutput();
                Assert.False(string.IsNullOrWhiteSpace(created.Stderr), "create failed without a message");
                refused++;
                continue;
            }
            c.Start().ShouldSucceed();
            c.WaitForStatus("stopped");
            created.WaitForOutput();
            string inside = created.Stdout.Trim();
            string canaryNow = File.ReadAllText(hostCanary) + File.ReadAllText(rootfsCanary);
            if (inside != "character special file 1:3" || canaryNow != "canary\ncanary\n")
                vulnerable.Add($"#{i}: {Masked} inside was \"{inside}\", the canary holds \"{canaryNow.Trim()}\"");
            else masked++;
        }
        Console.WriteLine($"CVE-2025-31133 (container's /dev/null swapped): {masked} masked with the null device, {refused} refused, {vulnerable.Count} masked with the attacker's file");
        if (TestEnv.IsRunc && vulnerable.Count > 0)
        {
            Console.WriteLine($"runc (recorded, not failed): {string.Join("; ", vulnerable)}");
            return;
        }
        Assert.True(vulnerable.Count == 0, "the masked path was covered with the attacker's file: " + string.Join("; ", vulnerable));
    }

    // ---------- CVE-2025-52565: the /dev/console bind ----------

    [Fact]
    public void Console_IsThePty_EvenWithProcSelfFdMountedOver()
    {
        using var c = new Container("cve52565");
        string root = HostileRootfs.UseCopy(c);
        File.WriteAllText(Path.Combine(root, "canary-console"), "canary\n");
        string sock = Path.Combine(c.Dir, "console.sock");
        using var receiver = new ConsoleSocketReceiver(sock);
        // In the container's mount namespace, before pivot_root: a tmpfs over the init's /proc/1/fd
        // where every fd that is open now still leads to itself (through /proc/1/task/1/fd) and every
        // fd opened later leads to /canary-console.
        string hook = $@"P='{root}/proc/1'
open="" $(echo $(ls $P/fd)) ""
mount -t tmpfs -o size=64k tmpfs $P/fd || exit 1
for n in $(seq 0 99); do
  case ""$open"" in *"" $n ""*) ln -s /proc/1/task/1/fd/$n $P/fd/$n ;; *) ln -s /canary-console $P/fd/$n ;; esac
done";
        c.Configure(b =>
        {
            b.Process["terminal"] = true;
            b.Args("sh", "-c", "sleep 1");
            b.Config["hooks"] = new JsonObject
            {
                ["createContainer"] = new JsonArray(new JsonObject { ["path"] = "/bin/sh", ["args"] = new JsonArray("sh", "-c", hook) }),
            };
        });
        var created = c.Create(null, "--console-socket", sock);
        if (created.ExitCode != 0)
        {
            created.WaitForOutput();
            Assert.False(string.IsNullOrWhiteSpace(created.Stderr), "create failed without a message");
            Console.WriteLine($"CVE-2025-52565: create refused: {created.Stderr.Trim()}");
            return;
        }
        receiver.Receive(TimeSpan.FromSeconds(5));
        string console = StatLine($"/proc/{c.Pid()}/root/dev/console");
        Console.WriteLine($"CVE-2025-52565: /dev/console of the created container: {console}");
        bool isPty = console.StartsWith("character special file 88:", StringComparison.Ordinal);
        if (TestEnv.IsRunc && !isPty)
        {
            Console.WriteLine("runc (recorded, not failed): /dev/console is not the pty");
            return;
        }
        Assert.True(isPty, $"/dev/console is \"{console}\", not the container's pty (major 136): the bind followed the attacker's mount");
    }

    // ---------- CVE-2025-52881: procfs writes ----------

    /// <summary>A procfs mounted on the host (shared) under the test dir, with the canary bound over one sysctl file.</summary>
    sealed class SharedProc : IDisposable
    {
        public string Path { get; }
        public string Canary { get; }
        public string Target => System.IO.Path.Combine(Path, "sys/kernel/domainname");

        public SharedProc(Container c)
        {
            Path = System.IO.Path.Combine(c.Dir, "shared-proc");
            Canary = System.IO.Path.Combine(c.Dir, "canary-sysctl");
            Directory.CreateDirectory(Path);
            File.WriteAllText(Canary, "canary\n");
            Sh($"mount -t proc proc '{Path}' && mount --make-shared '{Path}'").ShouldSucceed();
        }

        public void Cover() => Sh($"mount --bind '{Canary}' '{Target}'").ShouldSucceed();

        public void Dispose() => Sh($"umount -l '{Path}'");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SysctlWrite_NeverLandsInAFileMountedOverProcSys(bool racing)
    {
        int iterations = racing ? 12 : 1;
        int ok = 0, refused = 0;
        var vulnerable = new List<string>();
        for (int i = 0; i < iterations; i++)
        {
            using var c = new Container("cve52881" + (racing ? "-race" : ""));
            using var proc = new SharedProc(c);
            c.Configure(b =>
            {
                // The container's /proc is the shared procfs (a bind whose source is procfs, which
                // runc's /proc rules allow). kernel.domainname belongs to the UTS namespace but is one
                // file for all of them (IPC and net sysctls are per-namespace files, which a mount
                // made in the host's namespaces does not cover).
                var mounts = b.Config["mounts"]!.AsArray();
                foreach (var m in mounts.ToList())
                    if ((string?)m?["destination"] == "/proc") mounts.Remove(m);
                mounts.Insert(0, new JsonObject { ["destination"] = "/proc", ["type"] = "bind", ["source"] = proc.Path, ["options"] = new JsonArray("rbind") });
                b.Linux["sysctl"] = new JsonObject { ["kernel.domainname"] = "cve52881" };
                b.Args("true");
            });
            using var cts = new CancellationTokenSource();
            Task? racer = null;
            if (racing)
                racer = Task.Run(() =>
                {
                    while (!cts.IsCancellationRequested)
                    {
                        Sh($"mount --bind '{proc.Canary}' '{proc.Target}'; umount '{proc.Target}'");
                    }
                });
            else proc.Cover();
            CliResult created;
            try { created = c.Create(); }
            finally
            {
                cts.Cancel();
                racer?.Wait();
            }
            string canaryNow = File.ReadAllText(proc.Canary);
            if (canaryNow != "canary\n") vulnerable.Add($"#{i}: the canary over /proc/sys/kernel/domainname holds \"{canaryNow.Trim()}\"");
            else if (created.ExitCode != 0)
            {
                created.WaitForOutput();
                Assert.False(string.IsNullOrWhiteSpace(created.Stderr), "create failed without a message");
                refused++;
            }
            else ok++;
        }
        Console.WriteLine($"CVE-2025-52881 ({(racing ? "racing" : "static")}): {ok} created with the sysctl written to the kernel, {refused} refused, {vulnerable.Count} wrote into the attacker's file");
        if (TestEnv.IsRunc && vulnerable.Count > 0)
        {
            Console.WriteLine($"runc (recorded, not failed): {string.Join("; ", vulnerable)}");
            return;
        }
        Assert.True(vulnerable.Count == 0, "a sysctl write was redirected: " + string.Join("; ", vulnerable));
        if (!TestEnv.IsRunc) Assert.Equal(iterations, ok);
    }
}
