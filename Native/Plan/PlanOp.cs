namespace OciRuntime.Native.Plan;

/// <summary>Step operations of the C interpreter (plan.h, oci_op).</summary>
public enum PlanOp : uint
{
    Syscall = 1,
    SyncWait = 2,
    SyncSend = 3,
    Fork = 4,
    Lookup = 5,
    Exec = 6,
    SendFd = 7,
    Seccomp = 8,
    ReportTo = 9,
    SyncSendFd = 10,
    RecvFd = 11,
}

/// <summary>Messages on the sync socket (plan.h, oci_msg_type).</summary>
public enum PlanMessageType : uint
{
    Go = 1,
    Ready = 2,
    Pid = 3,
    Error = 4,
    Fd = 5,
    Maps = 6,
    Hooks = 7,
    MountSources = 8,
}

/// <summary>Step numbers of ERROR messages sent before the plan's first step ran (plan.h, oci_prestep).</summary>
public static class PlanPreStep
{
    public const int ExecInit = -1;
    public const int Verify = -2;
    public const int LoadPlan = -3;
}
