using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace OciRuntime.Conformance.Fuzz;

/// <summary>
/// FsCheck generators of the values a mutation writes: wrong types, edge and out-of-range numbers,
/// edge strings (the idea of Tests/Spec.Tests/RandomConfig's "interesting" strings, plus 1 MB strings,
/// control characters, NUL), raw bytes no JSON library can hold (invalid UTF-8, raw NUL, deep nesting),
/// unknown enum values, and the case paths (`..` and rootfs symlinks that lead to the canary).
/// </summary>
public static class FuzzValues
{
    public static readonly string[] Numbers =
    [
        "0", "1", "-1", "1024", "20000", "20001", "65535", "65536", "2147483647", "2147483648", "-2147483648", "-2147483649",
        "4294967295", "4294967296", "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
        "18446744073709551615", "18446744073709551616", "1e308", "-1e308", "1e400", "-0", "1.5", "0.000001", "1E2",
        "100000000000000000000000000000000000000000000000000",
    ];

    /// <summary>In range for most fields (so that a config gets past parsing to the kernel), or at an edge.</summary>
    public static Gen<Weird> Number => Gen.Frequency(
        (2, Gen.Elements("0", "1", "2", "7", "100", "1000", "4096", "65534", "65535", "4294967294").Select(n => Weird.Of(n))),
        (3, Gen.Elements(Numbers).Select(n => Weird.Of(n))));

    public static Gen<Weird> WrongType => Gen.Elements("null", "true", "false", "\"\"", "\"x\"", "[]", "{}", "[1,\"a\",null]", "{\"a\":{}}", "0", "-1")
        .Select(j => Weird.Of(j));

    static readonly string[] InterestingStrings =
    [
        "", " ", "a", "/", ".", "..", "../..", "/dev/null", "quote\"d", "back\\slash", "tab\tnew\nline", "ünïcødé ✓", "emoji 😀",
        "\u0001ctl", "\u001b[31mred", "nul\u0000byte", "%s%n%d", "$(id)", "`id`", "-1", "0x10", "CAP_KILL", "RLIMIT_NOFILE",
        "pid", "mount", "bind", "rbind", "SCMP_ACT_ALLOW", "\u202Eright-to-left", "\uFEFFbom", "\uFFFF",
    ];

    public static Gen<Weird> EdgeString => Gen.Frequency(
        (8, Gen.Elements(InterestingStrings).Select(s => Weird.Str(s))),
        (1, Gen.Elements(1 << 10, 64 << 10, 1 << 20).Select(n => Weird.Str(new string('A', n), $"\"A\"×{n}"))),
        (1, Gen.Elements(4096, 4097, 70000).Select(n => Weird.Str("/" + string.Join('/', Enumerable.Repeat("aaaaaaa", n / 8)), $"path of {n} chars"))),
        (1, Gen.Choose(1, 40).Select(n => Weird.Str(string.Concat(Enumerable.Repeat("\n", n)), $"{n} newlines"))));

    public static Gen<Weird> RawBytes => Gen.Frequency(
        (2, Gen.Elements(
            new byte[] { 0xFF }, new byte[] { 0xC3, 0x28 }, new byte[] { 0xED, 0xA0, 0x80 }, new byte[] { 0xC0, 0xAF },
            new byte[] { 0xF4, 0x90, 0x80, 0x80 }, new byte[] { 0xE2, 0x82 }, new byte[] { 0x80 })
            .Select(b => Weird.Bytes([(byte)'"', (byte)'a', .. b, (byte)'z', (byte)'"'], $"invalid UTF-8 {Convert.ToHexString(b)}"))),
        (1, Gen.Constant(Weird.Bytes("\"a\0b\""u8.ToArray(), "raw NUL in a string"))),
        (1, Gen.Constant(Weird.Bytes("\"a\\u0000b\""u8.ToArray(), "\\u0000 escape in a string"))),
        (1, Gen.Elements(65, 1000, 10_000, 100_000).Select(Deep)),
        (1, Gen.Elements("NaN", "Infinity", "-Infinity", "01", "1.", ".5", "0x10", "+1", "1e", "'s'", "undefined", "\"\\x41\"", "\"\\uD800\"")
            .Select(t => Weird.Bytes(Encoding.ASCII.GetBytes(t), "not JSON: " + t))));

    static Weird Deep(int depth)
    {
        var b = new byte[depth * 2 + 1];
        for (int i = 0; i < depth; i++) { b[i] = (byte)'['; b[b.Length - 1 - i] = (byte)']'; }
        b[depth] = (byte)'0';
        return Weird.Bytes(b, $"nesting depth {depth}");
    }

    /// <summary>Any value: the mix a field-agnostic mutation writes.</summary>
    public static Gen<Weird> Any => Gen.Frequency((2, WrongType), (3, Number), (5, EdgeString), (1, RawBytes));

    public static Gen<Weird> Enum(params string[] valid) =>
        Gen.Frequency((2, Gen.Elements(valid).Select(s => Weird.Str(s))), (3, Gen.Elements(UnknownEnums).Select(s => Weird.Str(s))), (1, Any));

    static readonly string[] UnknownEnums =
    [
        "", "sideways", "PRIVATE", "rprivate ", "IOPRIO_CLASS_FOO", "SCHED_FAST", "LINUX64", "MPOL_FOO", "SCMP_ACT_FOO",
        "SCMP_CMP_FOO", "SCMP_ARCH_Z80", "SCMP_FLTATR_FOO", "CAP_FLY", "cap_kill", "KILL", "CAP_", "RLIMIT_FOO", "nofile", "x", "C",
        "pidd", "usr", "2.0.0", "1.0.0-rc99", "v1", "mount\n",
    ];

    /// <summary>Absolute paths for mount destinations, cwd, devices, masked paths: resolved in the rootfs they are
    /// harmless; resolved on the host (a runtime bug) they reach only the case's canary or its own dir.</summary>
    public static Gen<Weird> ContainerPath(FuzzCaseDir c) => Gen.Frequency(
        (4, Gen.Elements(
            "/", "/proc", "/dev", "/sys", "/tmp", "/etc/passwd", "/bin/sh", "/dev/null", "/proc/self", "/proc/sys/kernel",
            "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys/fs/cgroup", "tmp/relative", "proc", "", ".", "//tmp//x//", "/tmp/.",
            "/lnk-up/m", "/lnk-abs/m", "/lnk-loop/m", "/lnk-loop", "/lnk-proc", "/lnk-proc/self", "/tmp/lnk-dotdot/m",
            "/etc/mtab", c.DotDotToCanary("m"), "/tmp" + c.DotDotToCanary("n"), "/proc/../../" + c.Canary.TrimStart('/') + "/p",
            c.Canary + "/abs", "/tmp/a\nb", "/tmp/with space")
            .Select(s => Weird.Str(s))),
        (1, EdgeString));

    public static Gen<Weird> BindSource(FuzzCaseDir c) => Gen.Frequency(
        (4, Gen.Elements(
            Path.Combine(c.BindDir, "dir"), Path.Combine(c.BindDir, "file"), Path.Combine(c.BindDir, "missing"),
            Path.Combine(c.BindDir, "link-dir"), Path.Combine(c.BindDir, "dir/../dir"), "../bind/dir", "tmpfs", "proc", "none", "")
            .Select(s => Weird.Str(s))),
        (1, EdgeString));

    public static readonly string[] MountTypes = ["proc", "sysfs", "tmpfs", "devpts", "mqueue", "bind", "cgroup", "cgroup2", "none", "", "ofzfs", "ext4", "overlay"];

    public static readonly string[] MountOptions =
    [
        "bind", "rbind", "ro", "rw", "nosuid", "nodev", "noexec", "relatime", "strictatime", "noatime", "private", "rprivate", "shared",
        "rshared", "slave", "rslave", "unbindable", "runbindable", "mode=755", "mode=99999", "mode=-1", "size=-1", "size=1k", "size=1e99",
        "uid=4294967295", "gid=-1", "nr_inodes=0", "newinstance", "ptmxmode=0666", "idmap", "ridmap", "X-mount.idmap=0:100000:65536",
        "bogus", "", "tmpcopyup", "nosymfollow", "remount", "recursive", "lowerdir=/x,upperdir=/y", ",,,", "ro,rw",
    ];

    public static readonly string[] Capabilities =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_KILL", "CAP_SETUID", "CAP_SETGID", "CAP_NET_BIND_SERVICE", "CAP_SYS_ADMIN", "CAP_SYS_PTRACE",
        "CAP_SYS_RESOURCE", "CAP_MAC_ADMIN", "CAP_BPF", "CAP_PERFMON", "CAP_CHECKPOINT_RESTORE", "CAP_AUDIT_READ", "CAP_SETPCAP",
    ];

    public static readonly string[] Rlimits =
        ["RLIMIT_NOFILE", "RLIMIT_NPROC", "RLIMIT_CORE", "RLIMIT_STACK", "RLIMIT_AS", "RLIMIT_RTPRIO", "RLIMIT_MEMLOCK", "RLIMIT_CPU", "RLIMIT_NICE", "RLIMIT_SIGPENDING"];

    public static readonly string[] SeccompActions =
        ["SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP", "SCMP_ACT_LOG", "SCMP_ACT_TRACE", "SCMP_ACT_NOTIFY"];

    public static readonly string[] Syscalls =
        ["read", "write", "execve", "execveat", "clone", "clone3", "mount", "openat", "exit_group", "futex", "nanosleep", "personality", "socket", "nonexistent_call", ""];

    public static readonly string[] SeccompOps =
        ["SCMP_CMP_EQ", "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_GT", "SCMP_CMP_GE", "SCMP_CMP_MASKED_EQ"];

    public static readonly string[] Architectures = ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32", "SCMP_ARCH_AARCH64", "SCMP_ARCH_NATIVE"];
}
