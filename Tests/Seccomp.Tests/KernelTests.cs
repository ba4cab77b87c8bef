using System.Diagnostics;
using OciRuntime.Spec.Config;

namespace OciRuntime.Seccomp.Tests;

/// <summary>
/// Ties the BPF interpreter (and so every interpreter-based test) to the kernel: our programs
/// are loaded by a small C helper (compiled here with cc) that then makes one syscall; the
/// kernel's verdict must be the one the interpreter computes. Only harmless syscalls are
/// issued (getpid & co.), through the x86_64 entry, the x32 numbers and int $0x80 (i386).
/// </summary>
public class KernelTests
{
    private static readonly Lazy<string> Probe = new(() =>
    {
        string dir = Path.Combine(Path.GetTempPath(), "oci-seccomp-probe-" + Environment.ProcessId);
        Directory.CreateDirectory(dir);
        string exe = Path.Combine(dir, "seccomp-probe");
        string src = Path.Combine(AppContext.BaseDirectory, "native", "seccomp-probe.c");
        var p = Process.Start(new ProcessStartInfo("cc", $"-O1 -o {exe} {src}") { RedirectStandardError = true })!;
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException("cc failed: " + err);
        return exe;
    });

    private const uint X64 = 0xC000003E, I386 = 0x40000003;
    // (audit arch, nr, abi flag for the helper)
    private static readonly (uint Arch, uint Nr, string Abi)[] Targets =
    {
        (X64, 39, "64"), (X64, 110, "64"), (X64, 102, "64"), (X64, 104, "64"), (X64, 186, "64"),
        (X64, 39 | SeccompArch.X32SyscallBit, "64"), (X64, 102 | SeccompArch.X32SyscallBit, "64"),
        (I386, 20, "32"), (I386, 64, "32"), (I386, 199, "32"), (I386, 200, "32"),
    };
    private static readonly string[] TargetNames = { "getpid", "getppid", "getuid", "getgid", "gettid", "getuid32", "getgid32" };
    private static readonly string[] KernelActions =
        { "SCMP_ACT_ALLOW", "SCMP_ACT_LOG", "SCMP_ACT_ERRNO", "SCMP_ACT_TRAP", "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_TRACE" };

    /// <summary>What the kernel did, in the interpreter's terms (null: can't tell ALLOW from LOG).</summary>
    private static string RunKernel(SeccompProgram program, uint nr, string abi, ulong[] args)
    {
        string file = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(file, program.ToBytes());
            var psi = new ProcessStartInfo(Probe.Value) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (string a in new[] { file, "0", abi, nr.ToString() }.Concat(args.Select(x => "0x" + x.ToString("x"))))
                psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            string output = p.StandardOutput.ReadToEnd().Trim();
            p.WaitForExit();
            if (p.ExitCode == 128 + 31) return "KILL";              // died of SIGSYS
            if (output == "TRAP") return "TRAP";
            if (output.StartsWith("LOADFAIL")) throw new InvalidOperationException("kernel refused our filter: " + output);
            string[] w = output.Split(' ');
            long ret = long.Parse(w[1]);
            int errno = int.Parse(w[3]);
            return ret == -1 ? $"ERRNO({errno})" : "OK";
        }
        finally { File.Delete(file); }
    }

    private static string Expect(uint verdict, uint nr, string abi)
    {
        uint action = verdict & Bpf.RetActionFullMask;
        uint data = verdict & Bpf.RetDataMask;
        return action switch
        {
            Bpf.RetKillThread or Bpf.RetKillProcess => "KILL",
            Bpf.RetTrap => "TRAP",
            Bpf.RetErrno => data == 0 ? "OK" : $"ERRNO({data})", // ERRNO(0) makes the syscall "return 0"
            Bpf.RetTrace => "ERRNO(38)", // no tracer attached: the kernel fails the syscall with ENOSYS
            // x32 calls pass seccomp but the kernel may have x32 disabled (ENOSYS).
            _ => nr >= SeccompArch.X32SyscallBit ? "OK|ERRNO(38)" : "OK",
        };
    }

    [Fact]
    public void KernelAgreesWithTheInterpreterOnRandomFilters()
    {
        int seed = Environment.TickCount;
        var rnd = new Random(seed);
        int checks = 0;
        for (int profile = 0; profile < 40; profile++)
        {
            string def = KernelActions[rnd.Next(KernelActions.Length)];
            var spec = new LinuxSeccomp
            {
                DefaultAction = def,
                Architectures = new() { "SCMP_ARCH_X86", "SCMP_ARCH_X32" },
                Syscalls = new()
                {
                    // What the helper itself needs after loading the filter, to report and exit.
                    new() { Names = new() { "write", "exit_group", "exit", "rt_sigreturn", "sigreturn" }, Action = "SCMP_ACT_ALLOW" },
                },
            };
            for (int r = rnd.Next(1, 7); r > 0; r--)
            {
                string act = KernelActions[rnd.Next(KernelActions.Length)];
                var sc = new LinuxSyscall { Names = new() { TargetNames[rnd.Next(TargetNames.Length)] }, Action = act,
                    ErrnoRet = act == "SCMP_ACT_ERRNO" ? (uint)rnd.Next(0, 200) : null };
                if (rnd.Next(3) > 0)
                    sc.Args = Enumerable.Range(0, rnd.Next(1, 3)).Select(_ => new LinuxSeccompArg
                    {
                        Index = (uint)rnd.Next(6), Op = SeccompOperators.Names[rnd.Next(7)],
                        Value = RandomValue(rnd), ValueTwo = RandomValue(rnd),
                    }).ToList();
                spec.Syscalls.Add(sc);
            }
            SeccompProgram program = SeccompCompiler.Compile(spec);
            for (int call = 0; call < 8; call++)
            {
                var (arch, nr, abi) = Targets[rnd.Next(Targets.Length)];
                ulong[] args = Enumerable.Range(0, 6).Select(_ => RandomValue(rnd)).ToArray();
                if (abi == "32") args = args.Select(a => (ulong)(uint)a).ToArray(); // int $0x80 passes 32-bit registers
                if (abi == "32") args[5] = 0; // ebp is not set by the helper
                uint verdict = BpfInterpreter.Run(program.Instructions, new SeccompData(nr, arch, 0, args));
                string want = Expect(verdict, nr, abi);
                string got = RunKernel(program, nr, abi, args);
                Assert.True(want.Split('|').Contains(got),
                    $"seed {seed}: nr 0x{nr:x} abi {abi} args {string.Join(",", args.Select(a => a.ToString("x")))}: interpreter {SeccompAction.Describe(verdict)} ({want}), kernel {got}\n{System.Text.Json.JsonSerializer.Serialize(spec)}");
                checks++;
            }
        }
        Assert.Equal(320, checks);
    }

    private static ulong RandomValue(Random rnd) => rnd.Next(4) switch
    {
        0 => (ulong)rnd.Next(0, 4),
        1 => (ulong)rnd.NextInt64() | ((ulong)rnd.Next(2) << 63),
        2 => ((ulong)rnd.Next(0, 3) << 32) | (uint)rnd.Next(0, 4),
        _ => ulong.MaxValue - (ulong)rnd.Next(0, 2),
    };

    [Fact]
    public void PodmanProfileLoadsInTheKernel()
    {
        SeccompProgram p = SeccompCompiler.Compile(UnitTests.Podman());
        Assert.Equal("OK", RunKernel(p, 39, "64", new ulong[6]));          // getpid allowed
        Assert.Equal("ERRNO(1)", RunKernel(p, 153, "64", new ulong[6]));   // vhangup: EPERM
        Assert.Equal("OK", RunKernel(p, 20, "32", new ulong[6]));          // i386 getpid allowed
    }
}
