using Xunit.Abstractions;

namespace OciRuntime.Conformance.Security;

/// <summary>
/// CVE-2019-5736 class (issue 10 items 1 and 2): a process inside the container reaches a process of the
/// runtime (its exe, environment, memory) and reopens the runtime's binary for writing. The attacker
/// (`attacker watch`) is the container's init; it reports ESCAPE exe-write when a write-open of a foreign
/// exe succeeds (it never writes), ESCAPE environ/mem when the runtime caller's OCI_SECRET_CANARY is
/// readable. Blocked by: the process entering the container runs a sealed init (OCI_WEAKEN_SEALED_INIT).
/// </summary>
public class BinaryOverwriteAttacks(ITestOutputHelper log)
{
    // The attack 1: an image with a dynamic loader and a script whose interpreter is /proc/self/exe makes the kernel run the
    // exe of the process doing the execve (the runtime's, unless sealed) inside the container, dumpable.
    [Fact]
    public void ExecOfProcSelfExeScript_CannotReopenTheRuntimeBinaryForWriting() =>
        SecuritySuite.AssertBlockedButWeakEscapes(log, "exec #!/proc/self/exe script", runtime =>
        {
            using var c = SecuritySuite.AttackContainer("sec-evil", runtime);
            string evil = Path.Combine(c.Dir, "rootfs", "bin", "evil");
            File.WriteAllText(evil, "#!/proc/self/exe\n");
            File.SetUnixFileMode(evil, (UnixFileMode)0b111_101_101);
            SecuritySuite.AddDynamicLoader(Path.Combine(c.Dir, "rootfs"), runtime);
            c.Configure(b => b.Args("/attacker", "watch", "8000", "1"));
            var canary = SecuritySuite.WithCanary();
            var created = c.Create(canary).ShouldSucceed();
            c.Cli.Exec(["start", c.Id], canary).ShouldSucceed();
            SecuritySuite.WaitFor(created.Out, "READY watch");
            // The attacker sees each exec'd process only while it runs (the weak build's is gone in a
            // few ms, and under load the attacker may look too early or too late): exec again until
            // it has seen one and exited.
            CliResult exec = null!;
            for (int i = 0; i < 10 && (i == 0 || c.Status() == "running"); i++)
                exec = c.Cli.Exec(["exec", c.Id, "/bin/evil"], canary);
            c.WaitForStatus("stopped", TimeSpan.FromSeconds(15));
            created.WaitForOutput();
            return Outcome.FromAttacker(created.Stdout, $"exec /bin/evil exited {exec.ExitCode}: {exec.Stderr.Trim()}");
        });

    // The attack 2, a pod: container B joins A's pid namespace, so A (with CAP_SYS_PTRACE) sees
    // B's init while create has it waiting for start. Its exe, environ and memory must hold no runtime
    // binary and no secret; once B starts (the init execs), the held exe must still not open for writing.
    [Fact]
    public void PodSharingPidNamespace_PreExecInitExposesNoBinaryAndNoSecret() =>
        SecuritySuite.AssertBlockedButWeakEscapes(log, "pod: pre-exec init of a second container", runtime =>
        {
            using var a = SecuritySuite.AttackContainer("sec-pod-a", runtime);
            a.Configure(b =>
            {
                SecuritySuite.AddCapability(b, "CAP_SYS_PTRACE");
                b.Args("/attacker", "watch", "8000", "1");
            });
            var canary = SecuritySuite.WithCanary();
            var createdA = a.Create().ShouldSucceed();
            a.Start().ShouldSucceed();
            SecuritySuite.WaitFor(createdA.Out, "READY watch");

            using var b = new Container("sec-pod-b", runtime: runtime);
            b.Configure(cb =>
            {
                cb.SetNamespace("pid", $"/proc/{a.Pid()}/ns/pid");
                // A's image: B's busybox is then a file the attacker knows as the image's own, not a foreign exe.
                cb.Config["root"] = a.Bundle.Config["root"]!.DeepClone();
                cb.Args("true");
            });
            var createdB = b.Create(canary);
            string createB = $"create of B exited {createdB.ExitCode}: {createdB.Stderr.Trim()}";
            if (createdB.ExitCode == 0)
            {
                Thread.Sleep(600); // A examines B's waiting init
                b.Cli.Exec(["start", b.Id], canary);
            }
            a.WaitForStatus("stopped", TimeSpan.FromSeconds(15));
            createdA.WaitForOutput();
            return Outcome.FromAttacker(createdA.Stdout, createB);
        });

    // The exec helper is in the container's pid namespace before it execs: with CAP_SYS_PTRACE the
    // container may reach it (as with runc), but never a writable runtime binary or the caller's
    // environment. The window is short: several execs give the attacker its chances.
    [Fact]
    public void ExecHelperSeenWithPtrace_ExposesNoBinaryAndNoSecret() =>
        SecuritySuite.AssertBlockedButWeakEscapes(log, "exec helper with CAP_SYS_PTRACE", runtime =>
        {
            using var c = SecuritySuite.AttackContainer("sec-exec-ptrace", runtime);
            c.Configure(b =>
            {
                SecuritySuite.AddCapability(b, "CAP_SYS_PTRACE");
                b.Args("/attacker", "watch", "5000", "0");
            });
            var canary = SecuritySuite.WithCanary();
            var created = c.Create().ShouldSucceed();
            c.Start().ShouldSucceed();
            SecuritySuite.WaitFor(created.Out, "READY watch");
            // The attacker watches for 5 s: exec for as long as it does, so a slow host still gives it chances.
            for (int i = 0; i < 40 && c.Status() == "running"; i++)
                c.Cli.Exec(["exec", c.Id, "/bin/true"], canary);
            c.WaitForStatus("stopped", TimeSpan.FromSeconds(15));
            created.WaitForOutput();
            return Outcome.FromAttacker(created.Stdout);
        });
}
