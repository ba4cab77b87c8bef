namespace OciRuntime.Seccomp;

/// <summary>SECCOMP_FILTER_FLAG_* values of seccomp(SECCOMP_SET_MODE_FILTER, flags, prog) (linux/seccomp.h).</summary>
public static class SeccompFlags
{
    public const uint Tsync = 1u << 0;
    public const uint Log = 1u << 1;
    public const uint SpecAllow = 1u << 2;
    public const uint NewListener = 1u << 3;
    public const uint TsyncEsrch = 1u << 4;
    public const uint WaitKillableRecv = 1u << 5;

    public static readonly string[] Names =
    {
        "SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
        "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
    };

    public static uint? Parse(string name) => name switch
    {
        "SECCOMP_FILTER_FLAG_TSYNC" => Tsync,
        "SECCOMP_FILTER_FLAG_LOG" => Log,
        "SECCOMP_FILTER_FLAG_SPEC_ALLOW" => SpecAllow,
        "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV" => WaitKillableRecv,
        _ => null,
    };
}
