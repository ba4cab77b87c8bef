using System.Buffers.Binary;
using OciRuntime.Native.Plan;

namespace OciRuntime.Tests;

/// <summary>The plan's byte layout must match Native/helper/plan.h exactly.</summary>
public class ProcessPlanTests
{
    [Fact]
    public void Header_Steps_And_Data_AreLaidOutAsPlanH()
    {
        var plan = new ProcessPlan();
        PlanSlot s = plan.NewSlot();
        PlanLabel onSuccess = plan.NewLabel(), onTolerated = plan.NewLabel();
        plan.Syscall(165, "mount", PlanArg.Str("proc"), PlanArg.FdPath(s), PlanArg.Slot(s), 7L).Into(s).Tolerate(2, onTolerated).OnSuccessJumpTo(onSuccess);
        plan.Syscall(39, "getpid");
        plan.Mark(onSuccess);
        plan.Syscall(39, "getpid");
        plan.Syscall(39, "getpid");
        plan.Mark(onTolerated);
        plan.Syscall(39, "getpid");
        plan.HandOver(12);
        byte[] b = plan.Build(syncFd: 9, parentSyncFd: 10);

        Assert.Equal(ProcessPlan.Magic, BinaryPrimitives.ReadUInt32LittleEndian(b));
        Assert.Equal(ProcessPlan.Version, BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(4)));
        Assert.Equal(5u, BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(8)));   // steps
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(12)));  // slots
        Assert.Equal(48u, BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(16))); // steps offset
        uint dataOffset = BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(20));
        Assert.Equal(48u + 5 * 80u, dataOffset);
        Assert.Equal(9, BinaryPrimitives.ReadInt32LittleEndian(b.AsSpan(28)));
        Assert.Equal(10, BinaryPrimitives.ReadInt32LittleEndian(b.AsSpan(32)));
        uint dataLength = BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(24));
        Assert.Equal(0, b[dataOffset + dataLength - 1]); // the C side relies on a final NUL
        uint handOverOffset = BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(36));
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(40)));
        Assert.Equal(12, BinaryPrimitives.ReadInt32LittleEndian(b.AsSpan((int)handOverOffset)));

        var step = b.AsSpan(48, 80);
        Assert.Equal((uint)PlanOp.Syscall, BinaryPrimitives.ReadUInt32LittleEndian(step));
        Assert.Equal(165, BinaryPrimitives.ReadInt32LittleEndian(step.Slice(4)));
        uint kinds = BinaryPrimitives.ReadUInt32LittleEndian(step.Slice(8));
        Assert.Equal((uint)PlanArgKind.Data, kinds & 7);
        Assert.Equal((uint)PlanArgKind.FdPath, (kinds >> 3) & 7);
        Assert.Equal((uint)PlanArgKind.Slot, (kinds >> 6) & 7);
        Assert.Equal((uint)PlanArgKind.Immediate, (kinds >> 9) & 7);
        Assert.Equal(0, BinaryPrimitives.ReadInt32LittleEndian(step.Slice(12)));  // result slot
        Assert.Equal(2, BinaryPrimitives.ReadInt32LittleEndian(step.Slice(16)));  // tolerated errno
        Assert.Equal(3, BinaryPrimitives.ReadInt32LittleEndian(step.Slice(20)));  // skip on tolerated
        Assert.Equal(1, BinaryPrimitives.ReadInt32LittleEndian(step.Slice(24)));  // skip on success
        long strOffset = BinaryPrimitives.ReadInt64LittleEndian(step.Slice(32));
        Assert.Equal("proc\0", System.Text.Encoding.ASCII.GetString(b, (int)(dataOffset + strOffset), 5));
        Assert.Equal(7, BinaryPrimitives.ReadInt64LittleEndian(step.Slice(32 + 24)));
    }

    [FsCheck.Xunit.Property(MaxTest = 200)]
    public bool DataArguments_Are8ByteAligned(byte[][] blobs)
    {
        var plan = new ProcessPlan();
        foreach (byte[] blob in blobs ?? System.Array.Empty<byte[]>())
            plan.Syscall(1, "x", PlanArg.Data(blob ?? new byte[1]));
        byte[] b = plan.Build(3, 4);
        for (int i = 0; i < plan.Steps.Count; i++)
            if (BinaryPrimitives.ReadInt64LittleEndian(b.AsSpan(ProcessPlan.HeaderSize + 80 * i + 32)) % 8 != 0) return false;
        return true;
    }

    [Fact]
    public void StringsWithNul_AreRefused_NotCut()
    {
        var e = Assert.Throws<PlanStringException>(() => PlanArg.Str("/bin/sh\0-c"));
        Assert.Contains("NUL byte at offset 7", e.Message);
        Assert.Contains("\\x00", e.Message);
        Assert.Throws<PlanStringException>(() => PlanStructs.StringBlock(new[] { "ok", "hook\0arg" }));
    }
}
