namespace OciRuntime.Native.Plan;

/// <summary>How a plan step's argument becomes a syscall argument in the child (plan.h, oci_arg_kind).</summary>
public enum PlanArgKind : uint
{
    Immediate = 0,
    Data = 1,
    Slot = 2,
    FdPath = 3,
}

/// <summary>A slot holds a value (an fd) produced by an earlier step of the plan.</summary>
public readonly record struct PlanSlot(int Index);

/// <summary>One argument of a plan step. Data arguments are copied into the plan's data area.</summary>
public readonly struct PlanArg
{
    public PlanArgKind Kind { get; }
    public long Value { get; }
    public byte[]? Bytes { get; }

    private PlanArg(PlanArgKind kind, long value, byte[]? bytes)
    {
        Kind = kind;
        Value = value;
        Bytes = bytes;
    }

    public static PlanArg Imm(long value) => new(PlanArgKind.Immediate, value, null);
    public static PlanArg Imm(ulong value) => new(PlanArgKind.Immediate, unchecked((long)value), null);
    public static readonly PlanArg Null = Imm(0);

    /// <summary>A NUL-terminated UTF-8 string in the data area.</summary>
    public static PlanArg Str(string s)
    {
        PlanStrings.EnsureNoNul(s);
        int n = System.Text.Encoding.UTF8.GetByteCount(s);
        byte[] b = new byte[n + 1];
        System.Text.Encoding.UTF8.GetBytes(s, 0, s.Length, b, 0);
        return new(PlanArgKind.Data, 0, b);
    }

    /// <summary>Raw bytes in the data area (a struct the syscall reads).</summary>
    public static PlanArg Data(byte[] bytes) => new(PlanArgKind.Data, 0, bytes);

    public static PlanArg Slot(PlanSlot slot) => new(PlanArgKind.Slot, slot.Index, null);

    /// <summary>"/proc/self/fd/N" for the fd in the slot: mounts go through resolved fds, never paths.</summary>
    public static PlanArg FdPath(PlanSlot slot) => new(PlanArgKind.FdPath, slot.Index, null);

    public static implicit operator PlanArg(long value) => Imm(value);
    public static implicit operator PlanArg(int value) => Imm(value);
    public static implicit operator PlanArg(PlanSlot slot) => Slot(slot);
}
