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
    /// <summary>A second tolerated errno (0: none), for runc's "EPERM or EBUSY" fallbacks.</summary>
    public int TolerateErrno2 { get; private set; }
    /// <summary>Where a tolerated failure continues (null: the next step).</summary>
    public PlanLabel? ToleratedJump { get; private set; }
    /// <summary>Where a success continues (null: the next step).</summary>
    public PlanLabel? SuccessJump { get; private set; }
    /// <summary>A hint appended to the error when this step fails ("how to fix it").</summary>
    public string? Hint { get; private set; }

    /// <summary>Keep the step's result (an fd) in <paramref name="slot"/>.</summary>
    public PlanStep Into(PlanSlot slot)
    {
        ResultSlot = slot.Index;
        return this;
    }

    /// <summary>A failure with <paramref name="errno"/> is not an error; the next step runs.</summary>
    public PlanStep Tolerate(int errno)
    {
        TolerateErrno = errno;
        TolerateErrno2 = 0;
        ToleratedJump = null;
        return this;
    }

    /// <summary>A failure with <paramref name="errno"/> is not an error; the plan continues at <paramref name="jumpTo"/>.</summary>
    public PlanStep Tolerate(int errno, PlanLabel jumpTo)
    {
        TolerateErrno = errno;
        TolerateErrno2 = 0;
        ToleratedJump = jumpTo;
        return this;
    }

    /// <summary>A failure with either errno is not an error; the next step runs (runc's "EPERM or EBUSY" fallbacks).</summary>
    public PlanStep Tolerate(int errno, int errno2)
    {
        Tolerate(errno);
        TolerateErrno2 = errno2;
        return this;
    }

    /// <summary>A failure with either errno is not an error; the plan continues at <paramref name="jumpTo"/>.</summary>
    public PlanStep Tolerate(int errno, int errno2, PlanLabel jumpTo)
    {
        Tolerate(errno, jumpTo);
        TolerateErrno2 = errno2;
        return this;
    }

    /// <summary>A success continues at <paramref name="jumpTo"/> (an if/else with <see cref="Tolerate(int, PlanLabel)"/>).</summary>
    public PlanStep OnSuccessJumpTo(PlanLabel jumpTo)
    {
        SuccessJump = jumpTo;
        return this;
    }

    public PlanStep WithHint(string hint)
    {
        Hint = hint;
        return this;
    }
}

/// <summary>
/// A position in a plan that steps jump to, bound by <see cref="ProcessPlan.Mark"/> to the step
/// added next; turned into the C side's skip counts when the plan is built, so no planner counts steps.
/// </summary>
public readonly record struct PlanLabel(int Id);
