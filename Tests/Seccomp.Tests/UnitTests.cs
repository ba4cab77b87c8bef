using System.Text.Json;
using OciRuntime.Spec.Config;
using OciRuntime.Spec.Validation;

namespace OciRuntime.Seccomp.Tests;

public class UnitTests
{
    private const uint X64 = 0xC000003E, I386 = 0x40000003;
    private static readonly JsonSerializerOptions Json = new() { PropertyNameCaseInsensitive = true };

    internal static LinuxSeccomp Podman() =>
        JsonSerializer.Deserialize<LinuxSeccomp>(File.ReadAllText(FindShared("testdata/podman-default-seccomp.json")), Json)!;

    internal static string FindShared(string rel)
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            string p = Path.Combine(d.FullName, "shared", rel);
            if (File.Exists(p)) return p;
        }
        return Path.Combine("/work/shared", rel);
    }

    private static LinuxSeccomp One(string op, ulong value, ulong valueTwo = 0, string def = "SCMP_ACT_ALLOW") => new()
    {
        DefaultAction = def,
        Syscalls = new() { new LinuxSyscall { Names = new() { "getpid" }, Action = "SCMP_ACT_ERRNO", ErrnoRet = 7,
            Args = new() { new LinuxSeccompArg { Index = 2, Op = op, Value = value, ValueTwo = valueTwo } } } },
    };

    public static IEnumerable<object[]> Boundaries()
    {
        ulong[] vs = { 0, 1, 0xffffffff, 0x100000000, 0x100000001, 0xfffffffe_ffffffff, 0x7fffffff_ffffffff, 0x80000000_00000000, ulong.MaxValue };
        foreach (string op in SeccompOperators.Names)
            foreach (ulong v in vs)
                yield return new object[] { op, v };
    }

    [Theory]
    [MemberData(nameof(Boundaries))]
    public void EachOperatorAt64BitBoundaries(string op, ulong value)
    {
        SeccompProgram p = SeccompCompiler.Compile(One(op, value, value ^ 0x1_0000_0001));
        ulong[] args = { 0, 1, 0xffffffff, 0x100000000, 0x100000001, value - 1, value, value + 1, ulong.MaxValue, value ^ 0xffffffff00000000 };
        foreach (ulong a in args)
        {
            var arg = new LinuxSeccompArg { Index = 2, Op = op, Value = value, ValueTwo = value ^ 0x1_0000_0001 };
            uint want = SemanticModel.Holds(arg, a, args64: true) ? 0x50007u : 0x7fff0000u;
            Assert.Equal(want, BpfInterpreter.Run(p.Instructions, SeccompData.Of(X64, 39, 0, 0, a)));
        }
    }

    [Fact]
    public void X32SyscallsDoNotMatchX86_64RulesAndGetBadArch()
    {
        var spec = new LinuxSeccomp { DefaultAction = "SCMP_ACT_ERRNO", Syscalls = new() { new() { Names = new() { "getpid" }, Action = "SCMP_ACT_ALLOW" } } };
        SockFilter[] p = SeccompCompiler.Compile(spec).Instructions;
        Assert.Equal(Bpf.RetAllow, BpfInterpreter.Run(p, SeccompData.Of(X64, 39)));
        Assert.Equal(Bpf.RetKillThread, BpfInterpreter.Run(p, SeccompData.Of(X64, 39 | 0x40000000)));
        Assert.Equal(Bpf.RetKillThread, BpfInterpreter.Run(p, SeccompData.Of(I386, 20)));   // x86 not listed
        spec.Architectures = new() { "SCMP_ARCH_X32" };
        p = SeccompCompiler.Compile(spec).Instructions;
        Assert.Equal(Bpf.RetAllow, BpfInterpreter.Run(p, SeccompData.Of(X64, 39 | 0x40000000)));
        Assert.Equal(Bpf.RetErrno | 1, BpfInterpreter.Run(p, SeccompData.Of(X64, 1 | 0x40000000)));   // x32 write: default
        Assert.Equal(Bpf.RetErrno | 38, BpfInterpreter.Run(p, SeccompData.Of(X64, 40 | 0x40000000)));  // above x32 getpid: ENOSYS
    }

    [Fact]
    public void UnknownSyscallIsSkippedPerArch()
    {
        // vm86 exists on x86 only; arch_prctl on x86_64 only.
        var spec = new LinuxSeccomp { DefaultAction = "SCMP_ACT_ALLOW", Architectures = new() { "SCMP_ARCH_X86" },
            Syscalls = new() { new() { Names = new() { "vm86", "arch_prctl", "no_such_syscall" }, Action = "SCMP_ACT_ERRNO" } } };
        SockFilter[] p = SeccompCompiler.Compile(spec).Instructions;
        Assert.Equal(Bpf.RetErrno | 1, BpfInterpreter.Run(p, SeccompData.Of(I386, 166)));  // vm86 on x86
        Assert.Equal(Bpf.RetErrno | 1, BpfInterpreter.Run(p, SeccompData.Of(X64, 158)));   // arch_prctl
        Assert.Equal(Bpf.RetAllow, BpfInterpreter.Run(p, SeccompData.Of(X64, 166)));        // 166 = umount2 on x86_64
    }

    [Fact]
    public void EnosysAboveTheProfilesHighestSyscall()
    {
        var spec = new LinuxSeccomp { DefaultAction = "SCMP_ACT_ERRNO", Syscalls = new() { new() { Names = new() { "read", "openat2" }, Action = "SCMP_ACT_ALLOW" } } };
        SockFilter[] p = SeccompCompiler.Compile(spec).Instructions;
        Assert.Equal(Bpf.RetAllow, BpfInterpreter.Run(p, SeccompData.Of(X64, 437)));          // openat2
        Assert.Equal(Bpf.RetErrno | 1, BpfInterpreter.Run(p, SeccompData.Of(X64, 435)));      // clone3 < max: default
        Assert.Equal(Bpf.RetErrno | 38, BpfInterpreter.Run(p, SeccompData.Of(X64, 438)));     // above max: ENOSYS
        spec.DefaultAction = "SCMP_ACT_ALLOW"; spec.Syscalls[0].Action = "SCMP_ACT_ERRNO";     // permissive: no stub
        p = SeccompCompiler.Compile(spec).Instructions;
        Assert.Equal(Bpf.RetAllow, BpfInterpreter.Run(p, SeccompData.Of(X64, 438)));
    }

    [Fact]
    public void ValidationErrorsNameJsonPaths()
    {
        var spec = new LinuxSeccomp
        {
            DefaultAction = "SCMP_ACT_NOPE", Architectures = new() { "SCMP_ARCH_X86_64", "SCMP_ARCH_VAX" }, Flags = new() { "SECCOMP_FILTER_FLAG_FOO" },
            Syscalls = new()
            {
                new() { Names = new() { "read" }, Action = "SCMP_ACT_ALLOW" },
                new() { Names = new() { "read" }, Action = "SCMP_ACT_FOO" },
                new() { Names = new() { "read" }, Action = "SCMP_ACT_ALLOW", Args = new() { new() { Index = 6, Op = "SCMP_CMP_EQ" }, new() { Index = 0, Op = "SCMP_CMP_XX" } } },
                new() { Names = new(), Action = "SCMP_ACT_ALLOW", ErrnoRet = 3 },
            },
        };
        var e = Assert.Throws<SpecException>(() => SeccompCompiler.Compile(spec));
        string all = string.Join("\n", e.Errors);
        Assert.Contains("linux.seccomp.defaultAction: unknown action \"SCMP_ACT_NOPE\" (expected one of SCMP_ACT_KILL", all);
        Assert.Contains("linux.seccomp.architectures[1]: unknown architecture \"SCMP_ARCH_VAX\"", all);
        Assert.Contains("linux.seccomp.flags[0]: unknown flag \"SECCOMP_FILTER_FLAG_FOO\"", all);
        Assert.Contains("linux.seccomp.syscalls[1].action: unknown action \"SCMP_ACT_FOO\"", all);
        Assert.Contains("linux.seccomp.syscalls[2].args[0].index: argument index 6 out of range", all);
        Assert.Contains("linux.seccomp.syscalls[2].args[1].op: unknown operator \"SCMP_CMP_XX\"", all);
        Assert.Contains("linux.seccomp.syscalls[3].names: must contain at least one syscall name", all);
        Assert.Contains("linux.seccomp.syscalls[3].errnoRet: SCMP_ACT_ALLOW does not take an errno", all);
    }

    [Fact]
    public void FlagsAndListener()
    {
        var spec = new LinuxSeccomp { DefaultAction = "SCMP_ACT_ALLOW", Flags = new() { "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV" },
            ListenerPath = "/run/agent.sock", Syscalls = new() { new() { Names = new() { "mount" }, Action = "SCMP_ACT_NOTIFY" } } };
        SeccompProgram p = SeccompCompiler.Compile(spec);
        Assert.True(p.NeedsListener);
        Assert.Equal(SeccompFlags.Log | SeccompFlags.SpecAllow | SeccompFlags.WaitKillableRecv | SeccompFlags.NewListener, p.Flags);
        Assert.Equal(Bpf.RetUserNotif, BpfInterpreter.Run(p.Instructions, SeccompData.Of(X64, 165)));
        Assert.Equal(p.Instructions.Length * 8, p.ToBytes().Length);
    }

    [Fact]
    public void LongProgramsUseTrampolines()
    {
        // Many conditional rules: the tree's jumps to far rule blocks exceed 255.
        var names = SeccompArch.X86_64.SyscallNames.Take(300).ToList();
        var spec = new LinuxSeccomp { DefaultAction = "SCMP_ACT_ALLOW", Syscalls = names.Select(n => new LinuxSyscall
            { Names = new() { n }, Action = "SCMP_ACT_ERRNO", ErrnoRet = 5, Args = new() { new() { Index = 0, Op = "SCMP_CMP_EQ", Value = 0x1_0000_0005 } } }).ToList() };
        SockFilter[] p = SeccompCompiler.Compile(spec).Instructions;
        Assert.True(p.Length > 1000);
        Assert.Contains(p, i => i.Code == Bpf.Ja);
        for (int k = 0; k < names.Count; k++)
        {
            uint nr = SeccompArch.X86_64.Resolve(names[k])!.Value;
            Assert.Equal(Bpf.RetErrno | 5, BpfInterpreter.Run(p, SeccompData.Of(X64, nr, 0x1_0000_0005)));
            Assert.Equal(Bpf.RetAllow, BpfInterpreter.Run(p, SeccompData.Of(X64, nr, 5)));
        }
    }

    [Fact]
    public void ProgramsOverTheKernelLimitAreASpecError()
    {
        var args = Enumerable.Range(0, 6).Select(i => new LinuxSeccompArg { Index = (uint)i, Op = "SCMP_CMP_GT", Value = 0x1_0000_0000UL * (ulong)i + 3 }).ToList();
        var spec = new LinuxSeccomp { DefaultAction = "SCMP_ACT_ALLOW", Syscalls = SeccompArch.X86_64.SyscallNames.Take(200)
            .Select(n => new LinuxSyscall { Names = new() { n }, Action = "SCMP_ACT_ERRNO", Args = args }).ToList() };
        var e = Assert.Throws<SpecException>(() => SeccompCompiler.Compile(spec));
        Assert.Equal("linux.seccomp", e.Errors[0].Path);
        Assert.Contains("more than the kernel's limit of 4096", e.Errors[0].Message);
    }

    [Fact]
    public void PodmanProfileAllowsWhatBusyboxNeeds()
    {
        SeccompProgram p = SeccompCompiler.Compile(Podman());
        Assert.True(p.Instructions.Length <= Bpf.MaxInstructions);
        string[] busybox = { "execve", "brk", "mmap", "munmap", "mprotect", "arch_prctl", "set_tid_address", "rt_sigaction", "rt_sigprocmask",
            "getpid", "getppid", "getuid", "geteuid", "getgid", "getegid", "openat", "open", "read", "write", "close", "fstat", "newfstatat", "statx",
            "lstat", "stat", "getdents64", "ioctl", "fcntl", "dup2", "wait4", "clone", "fork", "vfork", "exit_group", "readlink", "readlinkat",
            "getcwd", "chdir", "uname", "lseek", "pread64", "access", "faccessat", "poll", "sysinfo", "prlimit64", "getrandom", "clone3", "pipe2" };
        foreach (string n in busybox)
        {
            uint nr = SeccompArch.X86_64.Resolve(n)!.Value;
            Assert.True(BpfInterpreter.Run(p.Instructions, SeccompData.Of(X64, nr)) == Bpf.RetAllow, n);
        }
        // personality only with the listed values; mount denied with the default ENOSYS errno.
        Assert.Equal(Bpf.RetAllow, BpfInterpreter.Run(p.Instructions, SeccompData.Of(X64, 135, 0xffffffff)));
        Assert.Equal(Bpf.RetErrno | 38, BpfInterpreter.Run(p.Instructions, SeccompData.Of(X64, 135, 5)));
        Assert.Equal(Bpf.RetAllow, BpfInterpreter.Run(p.Instructions, SeccompData.Of(X64, 308))); // setns: the first unconditional rule wins (libseccomp)
    }

    [Fact]
    public void CacheHitsSkipsCorruptFilesAndWritesAtomically()
    {
        string dir = Path.Combine(Path.GetTempPath(), "seccomp-cache-test-" + Guid.NewGuid().ToString("N"));
        try
        {
            var cache = new SeccompProgramCache(dir, "1.0-test");
            LinuxSeccomp spec = Podman();
            SeccompProgram a = cache.GetOrCompile(spec);
            string file = Assert.Single(Directory.GetFiles(dir));
            Assert.Equal(cache.Key(spec, "SCMP_ARCH_X86_64") + ".bpf", Path.GetFileName(file));
            SeccompProgram b = cache.GetOrCompile(spec);
            Assert.Equal(a.ToBytes(), b.ToBytes());
            Assert.Equal(a.Flags, b.Flags);

            byte[] bytes = File.ReadAllBytes(file);
            File.WriteAllBytes(file, bytes.AsSpan(0, bytes.Length - 9).ToArray());   // short
            Assert.Equal(a.ToBytes(), cache.GetOrCompile(spec).ToBytes());
            bytes = File.ReadAllBytes(file);
            bytes[40] ^= 0x55;                                                       // corrupt
            File.WriteAllBytes(file, bytes);
            Assert.Equal(a.ToBytes(), cache.GetOrCompile(spec).ToBytes());
            Assert.Single(Directory.GetFiles(dir));                                  // no temp files left

            Assert.NotEqual(cache.Key(spec, "SCMP_ARCH_X86_64"), new SeccompProgramCache(dir, "1.1").Key(spec, "SCMP_ARCH_X86_64"));
            Assert.NotEqual(cache.Key(spec, "SCMP_ARCH_X86_64"), cache.Key(spec, "SCMP_ARCH_AARCH64"));
        }
        finally { Directory.Delete(dir, true); }
    }
}
