using System.Buffers.Binary;
using OciRuntime.Native.Plan;

namespace OciRuntime.Tests;

/// <summary>
/// The verifier that runs before every spawn: broken plans are refused with an internal-error
/// message naming the step, never spawned (where a bad jump or an unset slot would misbehave or hang).
/// </summary>
public class PlanVerifierTests
{
    private static string Refusal(ProcessPlan plan, Func<byte[], byte[]>? corrupt = null)
    {
        var e = Assert.Throws<PlanBugException>(() =>
        {
            byte[] b = plan.Build(3, 4);
            PlanVerifier.Verify(plan, corrupt is null ? b : corrupt(b));
        });
        Assert.StartsWith("internal error: ", e.Message);
        Assert.Contains("bug in oci-runtime", e.Message);
        return e.Message;
    }

    [Fact]
    public void AGoodPlan_Passes()
    {
        var plan = new ProcessPlan();
        PlanSlot s = plan.NewSlot();
        PlanLabel end = plan.NewLabel();
        plan.Syscall(257, "open", -100L, PlanArg.Str("/"), 0L).Into(s).Tolerate(2, end);
        plan.Syscall(3, "close", PlanArg.Slot(s));
        plan.Mark(end);
        plan.Op(PlanOp.Exec, "exec", PlanArg.Data(new byte[] { (byte)'x', 0 }), 1L, PlanArg.Data(new byte[1]), 0L);
        PlanVerifier.Verify(plan, plan.Build(3, 4));
    }

    [Fact]
    public void ASlotRead_BeforeAnyWrite_IsRefused()
    {
        var plan = new ProcessPlan();
        PlanSlot s = plan.NewSlot();
        plan.Syscall(3, "close an unopened slot", PlanArg.Slot(s));
        Assert.Contains("step 0 (close an unopened slot) reads slot 0", Refusal(plan));
    }

    [Fact]
    public void ASlotWritten_OnlyOnOnePath_IsRefused()
    {
        // The open is tolerated (ENOENT) and falls through to the close, which then reads a slot
        // that only the open's success path wrote: the init's linear check would let this pass.
        var plan = new ProcessPlan();
        PlanSlot s = plan.NewSlot();
        plan.Syscall(257, "open", -100L, PlanArg.Str("/x"), 0L).Into(s).Tolerate(2);
        plan.Syscall(3, "close", PlanArg.Slot(s));
        Assert.Contains("step 1 (close) reads slot 0, which no earlier step wrote on every path", Refusal(plan));
    }

    [Fact]
    public void AJumpToAnUnmarkedLabel_IsRefused()
    {
        var plan = new ProcessPlan();
        plan.Syscall(39, "getpid").Tolerate(1, plan.NewLabel());
        Assert.Contains("never marked", Refusal(plan));
    }

    [Fact]
    public void ABackwardJump_IsRefused()
    {
        var plan = new ProcessPlan();
        PlanLabel loop = plan.NewLabel();
        plan.Mark(loop);
        plan.Syscall(39, "getpid").OnSuccessJumpTo(loop);
        Assert.Contains("not a later step", Refusal(plan));
    }

    [Fact]
    public void ALabelMarkedTwice_IsRefused()
    {
        var plan = new ProcessPlan();
        PlanLabel l = plan.NewLabel();
        plan.Mark(l);
        Assert.Throws<PlanBugException>(() => plan.Mark(l));
    }

    [Fact]
    public void AResultSlotBeyondTheSlotCount_IsRefused()
    {
        var plan = new ProcessPlan();
        plan.Syscall(39, "getpid").Into(new PlanSlot(5));
        Assert.Contains("slot 5, beyond the plan's 0 slots", Refusal(plan));
    }

    [Fact]
    public void ADataOffsetOutsideTheDataArea_IsRefused()
    {
        var plan = new ProcessPlan();
        plan.Syscall(2, "open", PlanArg.Str("/etc/passwd"), 0L);
        string m = Refusal(plan, b =>
        {
            uint dataLength = BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(24));
            BinaryPrimitives.WriteInt64LittleEndian(b.AsSpan(ProcessPlan.HeaderSize + 32), dataLength);   // arg 0 of step 0
            return b;
        });
        Assert.Contains("outside the", m);
    }

    [Fact]
    public void ADataAreaWithoutItsFinalNul_IsRefused()
    {
        var plan = new ProcessPlan();
        plan.Syscall(2, "open", PlanArg.Str("/"), 0L);
        Refusal(plan, b =>
        {
            uint off = BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(20)), len = BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(24));
            b[off + len - 1] = (byte)'x';
            return b;
        });
    }

    [Fact]
    public void TheSpawner_ReportsARefusalAsAnInternalError_BeforeAnyClone()
    {
        var plan = new ProcessPlan();
        plan.Syscall(3, "close an unopened slot", PlanArg.Slot(plan.NewSlot()));
        using var sync = Container.SyncChannel.Create();
        var e = Assert.Throws<Errors.RuntimeException>(() =>
            Container.ProcessSpawner.Spawn(plan, 0, sync, Array.Empty<int>(), new Container.SpawnHandlers { What = "test process" }));
        Assert.StartsWith("test process: internal error: plan step 0 (close an unopened slot)", e.Message);
    }
}
