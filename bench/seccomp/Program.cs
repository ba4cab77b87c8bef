using System.Diagnostics;
using System.Text.Json;
using OciRuntime.Seccomp;
using OciRuntime.Seccomp.Tests;
using OciRuntime.Spec.Config;

// Prints, per profile: program sizes and instructions executed per syscall (over every
// syscall of the x86_64 table, args 0) for our compiler and libseccomp, and our compile times.
string podmanPath = args.Length > 0 ? args[0] : "/work/shared/testdata/podman-default-seccomp.json";

LinuxSeccomp podman = JsonSerializer.Deserialize<LinuxSeccomp>(File.ReadAllText(podmanPath), new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;
// Cold: the first compile in this process (includes JIT of the compiler and the tables' setup;
// the shipped runtime is NativeAOT, so it pays no JIT: this is an upper bound).
var swCold = Stopwatch.StartNew();
SeccompCompiler.Compile(podman);
double coldMs = swCold.Elapsed.TotalMilliseconds;

var profiles = new (string Name, LinuxSeccomp Spec, double? Cold)[] { ("podman default (allow-list)", podman, coldMs), ("deny-list (default ALLOW)", DenyList(), null) };
Console.WriteLine("seccomp bench: ours (pure C#) vs libseccomp " + "2.5 (Debian), x86_64 host");
foreach (var (name, spec, cold) in profiles)
{
    SeccompProgram ours = SeccompCompiler.Compile(spec);
    SockFilter[] theirs = LibSeccomp.Compile(spec);
    var (oMean, oWorst) = Executed(ours.Instructions);
    var (tMean, tWorst) = Executed(theirs);

    const int N = 2000;
    for (int i = 0; i < 200; i++) SeccompCompiler.Compile(spec);
    var sw = Stopwatch.StartNew();
    for (int i = 0; i < N; i++) SeccompCompiler.Compile(spec);
    double warmUs = sw.Elapsed.TotalMicroseconds / N;

    string dir = Path.Combine(Path.GetTempPath(), "seccomp-bench-" + Environment.ProcessId);
    var cache = new SeccompProgramCache(dir, "bench");
    cache.GetOrCompile(spec);
    for (int i = 0; i < 200; i++) cache.GetOrCompile(spec);
    sw.Restart();
    for (int i = 0; i < N; i++) cache.GetOrCompile(spec);
    double hitUs = sw.Elapsed.TotalMicroseconds / N;
    Directory.Delete(dir, true);

    Console.WriteLine();
    Console.WriteLine($"== {name}: {spec.Syscalls?.Count ?? 0} rules, arches {string.Join(",", spec.Architectures ?? new())}");
    Console.WriteLine($"  {"",-12} {"instructions",12} {"mean exec/syscall",18} {"worst exec",11}");
    Console.WriteLine($"  {"ours",-12} {ours.Instructions.Length,12} {oMean,18:F1} {oWorst,11}");
    Console.WriteLine($"  {"libseccomp",-12} {theirs.Length,12} {tMean,18:F1} {tWorst,11}   (runc adds its ENOSYS stub in front: ~+6 executed)");
    if (cold is double c) Console.WriteLine($"  compile, cold (first call in the process, JIT included): {c:F1} ms");
    Console.WriteLine($"  compile, warm (in-process, mean of {N}): {warmUs:F0} us");
    Console.WriteLine($"  cache hit (SeccompProgramCache.GetOrCompile, key hash + read + verify, mean of {N}): {hitUs:F0} us");
}

static (double Mean, int Worst) Executed(SockFilter[] program)
{
    long total = 0;
    int worst = 0, n = 0;
    foreach (uint nr in SeccompArch.X86_64.SyscallNumbers)
    {
        BpfInterpreter.Run(program, SeccompData.Of(SeccompArch.X86_64.AuditArch, nr), out int executed);
        total += executed;
        worst = Math.Max(worst, executed);
        n++;
    }
    return ((double)total / n, worst);
}

static LinuxSeccomp DenyList()
{
    string[] denied =
    {
        "acct", "add_key", "bpf", "clock_adjtime", "clock_settime", "create_module", "delete_module", "finit_module",
        "get_kernel_syms", "get_mempolicy", "init_module", "ioperm", "iopl", "kcmp", "kexec_file_load", "kexec_load",
        "keyctl", "lookup_dcookie", "mbind", "mount", "move_pages", "nfsservctl", "open_by_handle_at", "perf_event_open",
        "pivot_root", "process_vm_readv", "process_vm_writev", "ptrace", "query_module", "quotactl", "reboot",
        "request_key", "set_mempolicy", "setns", "settimeofday", "swapon", "swapoff", "sysfs", "_sysctl", "umount2",
        "unshare", "uselib", "userfaultfd", "ustat", "vm86", "vm86old",
    };
    var rules = denied.Select(n => new LinuxSyscall { Names = new() { n }, Action = "SCMP_ACT_ERRNO", ErrnoRet = 1 }).ToList();
    // Docker-style argument rules: no new user namespace via clone, no TIOCSTI.
    rules.Add(new LinuxSyscall { Names = new() { "clone" }, Action = "SCMP_ACT_ERRNO", ErrnoRet = 1,
        Args = new() { new LinuxSeccompArg { Index = 0, Op = "SCMP_CMP_MASKED_EQ", Value = 0x10000000, ValueTwo = 0x10000000 } } });
    rules.Add(new LinuxSyscall { Names = new() { "ioctl" }, Action = "SCMP_ACT_ERRNO", ErrnoRet = 1,
        Args = new() { new LinuxSeccompArg { Index = 1, Op = "SCMP_CMP_EQ", Value = 0x5412 } } });
    return new LinuxSeccomp { DefaultAction = "SCMP_ACT_ALLOW", Architectures = new() { "SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32" }, Syscalls = rules };
}
