using System.Runtime.InteropServices;
using OciRuntime.Spec.Config;

namespace OciRuntime.Seccomp.Tests;

/// <summary>
/// The reference: libseccomp 2.5.x (Debian's libseccomp2), driven the way runc drives it.
/// TESTS ONLY: the shipped runtime never loads libseccomp.
/// </summary>
public static unsafe class LibSeccomp
{
    private const string Lib = "libseccomp.so.2";

    [StructLayout(LayoutKind.Sequential)]
    private struct ScmpArgCmp
    {
        public uint Arg;
        public int Op;
        public ulong DatumA;
        public ulong DatumB;
    }

    [DllImport(Lib)] private static extern IntPtr seccomp_init(uint defAction);
    [DllImport(Lib)] private static extern void seccomp_release(IntPtr ctx);
    [DllImport(Lib)] private static extern int seccomp_arch_add(IntPtr ctx, uint arch);
    [DllImport(Lib)] private static extern int seccomp_arch_remove(IntPtr ctx, uint arch);
    [DllImport(Lib)] private static extern int seccomp_rule_add_array(IntPtr ctx, uint action, int syscall, uint count, ScmpArgCmp* args);
    [DllImport(Lib)] private static extern int seccomp_export_bpf(IntPtr ctx, int fd);
    [DllImport(Lib)] private static extern int seccomp_syscall_resolve_name(string name);
    [DllImport(Lib)] private static extern int seccomp_syscall_resolve_name_arch(uint arch, string name);
    [DllImport("libc", SetLastError = true)] private static extern int memfd_create(string name, uint flags);
    [DllImport("libc", SetLastError = true)] private static extern long lseek(int fd, long off, int whence);
    [DllImport("libc", SetLastError = true)] private static extern nint read(int fd, byte* buf, nint count);
    [DllImport("libc")] private static extern int close(int fd);

    public static bool Available
    {
        get
        {
            try { return seccomp_syscall_resolve_name("read") == 0; }
            catch (DllNotFoundException) { return false; }
        }
    }

    /// <summary>libseccomp's SCMP_ARCH_* token (differs from AUDIT_ARCH only for x32).</summary>
    public static uint Token(string arch) => arch switch
    {
        "SCMP_ARCH_X86_64" => 0xC000003E,
        "SCMP_ARCH_X86" => 0x40000003,
        "SCMP_ARCH_X32" => 0x4000003E,
        "SCMP_ARCH_ARM" => 0x40000028,
        "SCMP_ARCH_AARCH64" => 0xC00000B7,
        _ => throw new ArgumentException(arch),
    };

    public static int ResolveNameArch(string arch, string name) => seccomp_syscall_resolve_name_arch(Token(arch), name);

    /// <summary>
    /// Builds the filter as runc does: seccomp_init(default) (native arch included), add the
    /// listed arches, skip rules whose action is the default, resolve names on the native arch
    /// (libseccomp maps them per arch), add each rule with its conditions (one rule per condition
    /// when an argument index repeats). Native-arch override
    /// lets tests model an aarch64 host.
    /// </summary>
    public static SockFilter[] Compile(LinuxSeccomp spec, string nativeArch = "SCMP_ARCH_X86_64", bool onlyNative = false)
    {
        uint def = SeccompAction.ToRet(spec.DefaultAction, spec.DefaultErrnoRet)!.Value;
        IntPtr ctx = seccomp_init(def);
        if (ctx == IntPtr.Zero) throw new InvalidOperationException("seccomp_init failed");
        try
        {
            if (nativeArch != "SCMP_ARCH_X86_64")
            {
                Check(seccomp_arch_add(ctx, Token(nativeArch)), "arch_add native");
                Check(seccomp_arch_remove(ctx, 0 /* SCMP_ARCH_NATIVE */), "arch_remove");
            }
            foreach (string a in onlyNative ? new() : spec.Architectures ?? new())
            {
                int rc = seccomp_arch_add(ctx, Token(a));
                if (rc != 0 && rc != -17 /* EEXIST */) Check(rc, "arch_add " + a);
            }
            foreach (LinuxSyscall sc in spec.Syscalls ?? new())
            {
                uint act = SeccompAction.ToRet(sc.Action, sc.ErrnoRet)!.Value;
                if (act == def) continue;
                var args = (sc.Args ?? new()).Select(a => new ScmpArgCmp
                {
                    Arg = a.Index,
                    Op = SeccompOperators.Parse(a.Op)!.Value switch
                    {
                        SeccompOperator.NotEqual => 1, SeccompOperator.LessThan => 2, SeccompOperator.LessOrEqual => 3,
                        SeccompOperator.Equal => 4, SeccompOperator.GreaterOrEqual => 5, SeccompOperator.GreaterThan => 6,
                        _ => 7,
                    },
                    DatumA = a.Value,
                    DatumB = a.ValueTwo,
                }).ToArray();
                // runc 1.1.5's matchCall: if an argument index repeats, each condition is a rule of its own.
                ScmpArgCmp[][] rules = args.GroupBy(a => a.Arg).Any(g => g.Count() > 1)
                    ? args.Select(a => new[] { a }).ToArray()
                    : new[] { args };
                foreach (string name in sc.Names)
                {
                    int nr = seccomp_syscall_resolve_name(name);
                    if (nr == -1) continue; // __NR_SCMP_ERROR: unknown everywhere; runc skips it
                    foreach (ScmpArgCmp[] rule in rules)
                        fixed (ScmpArgCmp* p = rule)
                            Check(seccomp_rule_add_array(ctx, act, nr, (uint)rule.Length, p), $"rule_add {name}");
                }
            }
            return Export(ctx);
        }
        finally { seccomp_release(ctx); }
    }

    /// <summary>
    /// True when a single-arch libseccomp filter compares syscall numbers right after its arch
    /// check without loading seccomp_data.nr first (a libseccomp 2.5.4 code-generation bug).
    /// </summary>
    public static bool SkipsSyscallLoad(SockFilter[] p) =>
        p.Length > 2 && p[0].Code == Bpf.LdWAbs && p[0].K == 4 && p[1].Code == Bpf.JeqK
        && p[1 + 1 + p[1].Jt] is { Code: var code } && (code & 0x07) == 0x05; // a jump, not "ld [0]"

    private static SockFilter[] Export(IntPtr ctx)
    {
        int fd = memfd_create("seccomp-bpf", 0);
        if (fd < 0) throw new InvalidOperationException("memfd_create failed");
        try
        {
            Check(seccomp_export_bpf(ctx, fd), "export_bpf");
            long len = lseek(fd, 0, 1 /* SEEK_CUR */);
            lseek(fd, 0, 0);
            var bytes = new byte[len];
            fixed (byte* b = bytes)
            {
                long got = 0;
                while (got < len)
                {
                    nint n = read(fd, b + got, (nint)(len - got));
                    if (n <= 0) throw new InvalidOperationException("read failed");
                    got += n;
                }
            }
            return SeccompProgram.ParseInstructions(bytes)!;
        }
        finally { close(fd); }
    }

    private static void Check(int rc, string what)
    {
        if (rc < 0) throw new InvalidOperationException($"libseccomp {what}: {rc}");
    }
}
