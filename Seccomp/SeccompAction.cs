namespace OciRuntime.Seccomp;

/// <summary>Maps the OCI action names to SECCOMP_RET_* values, with the errno rules of runc.</summary>
public static class SeccompAction
{
    public const uint EPERM = 1;
    public const uint ENOSYS = 38;

    public static readonly string[] Names =
    {
        "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP",
        "SCMP_ACT_ERRNO", "SCMP_ACT_TRACE", "SCMP_ACT_ALLOW", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY",
    };

    /// <summary>Whether the action carries an errno in its data bits (the spec: others must not get one).</summary>
    public static bool TakesErrno(string name) => name is "SCMP_ACT_ERRNO" or "SCMP_ACT_TRACE";

    /// <summary>
    /// The SECCOMP_RET_* value of <paramref name="name"/>; null if the name is unknown.
    /// ERRNO and TRACE default to EPERM when no errnoRet is given, as in runc.
    /// </summary>
    public static uint? ToRet(string name, uint? errnoRet) => name switch
    {
        // libseccomp's SCMP_ACT_KILL has always meant "kill the thread".
        "SCMP_ACT_KILL" or "SCMP_ACT_KILL_THREAD" => Bpf.RetKillThread,
        "SCMP_ACT_KILL_PROCESS" => Bpf.RetKillProcess,
        "SCMP_ACT_TRAP" => Bpf.RetTrap,
        "SCMP_ACT_ERRNO" => Bpf.RetErrno | ((errnoRet ?? EPERM) & Bpf.RetDataMask),
        "SCMP_ACT_TRACE" => Bpf.RetTrace | ((errnoRet ?? EPERM) & Bpf.RetDataMask),
        "SCMP_ACT_ALLOW" => Bpf.RetAllow,
        "SCMP_ACT_LOG" => Bpf.RetLog,
        "SCMP_ACT_NOTIFY" => Bpf.RetUserNotif,
        _ => null,
    };

    /// <summary>A readable form of a SECCOMP_RET_* value, for tests, the bench and error messages.</summary>
    public static string Describe(uint ret) => (ret & Bpf.RetActionFullMask) switch
    {
        Bpf.RetKillProcess => "KILL_PROCESS",
        Bpf.RetKillThread => "KILL_THREAD",
        Bpf.RetTrap => "TRAP",
        Bpf.RetErrno => $"ERRNO({ret & Bpf.RetDataMask})",
        Bpf.RetTrace => $"TRACE({ret & Bpf.RetDataMask})",
        Bpf.RetAllow => "ALLOW",
        Bpf.RetLog => "LOG",
        Bpf.RetUserNotif => "NOTIFY",
        _ => $"0x{ret:x8}",
    };
}
