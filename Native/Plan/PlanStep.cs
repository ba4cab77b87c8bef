namespace OciRuntime.Native.Plan;

/// <summary>
/// One step of a plan, with the human description that becomes the error message when the
/// step fails in the child ("mount proc on /proc (mounts[0])").
/// </summary>
public sealed class PlanStep
{
    internal PlanStep(PlanOp op, int nr, PlanArg[] args, string description)
    {
        Op = op;
        Nr = nr;
        Args = args;
        Description = description;
    }

    public PlanOp Op { get; }
    public int Nr { get; }
    public PlanArg[] Args { get; }
    public string Description { get; }
    public int ResultSlot { get; private set; } = -1;
    public int TolerateErrno { get; private set; }
    public int TolerateErrno2 { get; private set; }
    public int SkipOnTolerated { get; private set; }
    public int SkipOnSuccess { get; private set; }
    /// <summary>A hint appended to the error when this step fails ("how to fix it").</summary>
    public string? Hint { get; private set; }

    /// <summary>Keep the step's result (an fd) in <paramref name="slot"/>.</summary>
    public PlanStep Into(PlanSlot slot)
    {
        ResultSlot = slot.Index;
        return this;
    }

    /// <summary>A failure with <paramref name="errno"/> is not an error; skip the next <paramref name="skip"/> steps then.</summary>
    public PlanStep Tolerate(int errno, int skip = 0)
    {
        TolerateErrno = errno;
        SkipOnTolerated = skip;
        return this;
    }

    /// <summary>Two tolerated errnos with the same skip (runc's "EPERM or EBUSY" fallbacks).</summary>
    public PlanStep Tolerate(int errno, int errno2, int skip)
    {
        Tolerate(errno, skip);
        TolerateErrno2 = errno2;
        return this;
    }

    /// <summary>Skip the next <paramref name="skip"/> steps when this one succeeds (the "else" branch follows).</summary>
    public PlanStep SkipIfSucceeded(int skip)
    {
        SkipOnSuccess = skip;
        return this;
    }

    public PlanStep WithHint(string hint)
    {
        Hint = hint;
        return this;
    }
}
