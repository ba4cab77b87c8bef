using System;
using System.Buffers.Binary;
using System.Collections.Generic;

namespace OciRuntime.Native.Plan;

/// <summary>
/// Builds the flat plan the sealed init interprets (Native/helper/plan.h, Native/init).
/// C# decides every step here, before the clone; the child only executes them in order.
/// Layout (checked against plan.h by Tests/Runtime.Tests/PlanLayoutTests.cs): a 48-byte header,
/// 80-byte steps, the data area (ends with a NUL byte), then the handed-over fds (int32 each).
/// </summary>
public sealed class ProcessPlan
{
    public const uint Magic = 0x4e414c50;
    public const uint Version = 4;
    public const int MaxSlots = 512;
    public const int MaxHandOver = 256;
    public const int HeaderSize = 48;
    public const int StepSize = 80;

    private readonly List<PlanStep> _steps = new();
    private readonly SortedSet<int> _handOver = new();
    private readonly List<int> _labels = new();
    private int _slots;

    /// <summary>plan.h OCI_PLAN_DUMPABLE_UNTIL_GO: the cloned child stays dumpable until the first GO, so an unprivileged runtime (or newuidmap) can write its maps.</summary>
    public const uint DumpableUntilGo = 1;

    /// <summary>Header flags (plan.h OCI_PLAN_*).</summary>
    public uint Flags { get; set; }

    public IReadOnlyList<PlanStep> Steps => _steps;

    /// <summary>Slots allocated so far (the header's slot_count).</summary>
    public int SlotCount => _slots;

    public PlanLabel NewLabel()
    {
        _labels.Add(-1);
        return new PlanLabel(_labels.Count - 1);
    }

    /// <summary>Binds <paramref name="label"/> to the step added next (or to the end of the plan).</summary>
    public void Mark(PlanLabel label)
    {
        if (_labels[label.Id] >= 0) throw new PlanBugException($"internal error: plan label {label.Id} is marked twice; this is a bug in oci-runtime, please report it");
        _labels[label.Id] = _steps.Count;
    }

    /// <summary>The step index a label names; -1 while it is not marked.</summary>
    public int TargetOf(PlanLabel label) => label.Id >= 0 && label.Id < _labels.Count ? _labels[label.Id] : -1;

    /// <summary>The step that runs after step <paramref name="index"/> when it takes this jump (null: the next step).</summary>
    internal int SkipCount(int index, PlanLabel? jump)
    {
        if (jump is not { } l) return 0;
        int target = TargetOf(l);
        if (target < index + 1 || target > _steps.Count)
            throw new PlanBugException($"internal error: plan step {index} ({_steps[index].Description}) jumps to label {l.Id}, which is {(target < 0 ? "never marked" : $"step {target}, not a later step")}; this is a bug in oci-runtime, please report it");
        return target - index - 1;
    }

    /// <summary>The runtime's fds this plan uses; they survive the exec of the sealed init.</summary>
    public IReadOnlyCollection<int> HandedOver => _handOver;

    /// <summary>
    /// Marks a runtime fd (opened close-on-exec, as all of ours are) as used by the plan: the
    /// child keeps it across the exec of the sealed init, which makes it close-on-exec again.
    /// Every other runtime fd is gone before the first step runs.
    /// </summary>
    public int HandOver(int fd)
    {
        if (fd < 0) return fd;
        if (_handOver.Count >= MaxHandOver && !_handOver.Contains(fd)) throw new InvalidOperationException("plan hands over too many fds");
        _handOver.Add(fd);
        return fd;
    }

    public PlanSlot NewSlot()
    {
        if (_slots >= MaxSlots) throw new InvalidOperationException("plan uses too many slots");
        return new PlanSlot(_slots++);
    }

    public PlanStep Syscall(int nr, string description, params PlanArg[] args) => Add(PlanOp.Syscall, nr, description, args);

    public PlanStep Add(PlanOp op, int nr, string description, params PlanArg[] args)
    {
        if (args.Length > 6) throw new ArgumentException("at most 6 arguments", nameof(args));
        var step = new PlanStep(op, nr, args, description);
        _steps.Add(step);
        return step;
    }

    public PlanStep Op(PlanOp op, string description, params PlanArg[] args) => Add(op, 0, description, args);

    /// <summary>Serializes the plan: header, steps, then the data area with every string and struct.</summary>
    public byte[] Build(int syncFd, int parentSyncFd)
    {
        var data = new List<byte>();
        int stepsOffset = HeaderSize;
        int dataOffset = stepsOffset + _steps.Count * StepSize;
        var stepBytes = new byte[_steps.Count * StepSize];

        for (int i = 0; i < _steps.Count; i++)
        {
            PlanStep s = _steps[i];
            Span<byte> b = stepBytes.AsSpan(i * StepSize, StepSize);
            uint kinds = 0;
            for (int a = 0; a < 6; a++)
            {
                long value = 0;
                if (a < s.Args.Length)
                {
                    PlanArg arg = s.Args[a];
                    kinds |= (uint)arg.Kind << (3 * a);
                    value = arg.Value;
                    if (arg.Kind == PlanArgKind.Data)
                    {
                        // 8-byte alignment: structs like sock_filter or open_how are read in place.
                        while (data.Count % 8 != 0) data.Add(0);
                        value = data.Count;
                        data.AddRange(arg.Bytes!);
                    }
                }
                BinaryPrimitives.WriteInt64LittleEndian(b.Slice(32 + 8 * a), value);
            }
            BinaryPrimitives.WriteUInt32LittleEndian(b, (uint)s.Op);
            BinaryPrimitives.WriteInt32LittleEndian(b.Slice(4), s.Nr);
            BinaryPrimitives.WriteUInt32LittleEndian(b.Slice(8), kinds);
            BinaryPrimitives.WriteInt32LittleEndian(b.Slice(12), s.ResultSlot);
            BinaryPrimitives.WriteInt32LittleEndian(b.Slice(16), s.TolerateErrno);
            BinaryPrimitives.WriteInt32LittleEndian(b.Slice(20), SkipCount(i, s.ToleratedJump));
            BinaryPrimitives.WriteInt32LittleEndian(b.Slice(24), SkipCount(i, s.SuccessJump));
            BinaryPrimitives.WriteInt32LittleEndian(b.Slice(28), s.TolerateErrno2);
        }

        data.Add(0); // the C side relies on it: no string read runs past the data area
        while (data.Count % 8 != 0) data.Add(0);
        int handOverOffset = dataOffset + data.Count;
        var result = new byte[handOverOffset + 4 * _handOver.Count];
        Span<byte> h = result;
        BinaryPrimitives.WriteUInt32LittleEndian(h, Magic);
        BinaryPrimitives.WriteUInt32LittleEndian(h.Slice(4), Version);
        BinaryPrimitives.WriteUInt32LittleEndian(h.Slice(8), (uint)_steps.Count);
        BinaryPrimitives.WriteUInt32LittleEndian(h.Slice(12), (uint)_slots);
        BinaryPrimitives.WriteUInt32LittleEndian(h.Slice(16), (uint)stepsOffset);
        BinaryPrimitives.WriteUInt32LittleEndian(h.Slice(20), (uint)dataOffset);
        BinaryPrimitives.WriteUInt32LittleEndian(h.Slice(24), (uint)data.Count);
        BinaryPrimitives.WriteInt32LittleEndian(h.Slice(28), syncFd);
        BinaryPrimitives.WriteInt32LittleEndian(h.Slice(32), parentSyncFd);
        BinaryPrimitives.WriteUInt32LittleEndian(h.Slice(36), (uint)handOverOffset);
        BinaryPrimitives.WriteUInt32LittleEndian(h.Slice(40), (uint)_handOver.Count);
        BinaryPrimitives.WriteUInt32LittleEndian(h.Slice(44), Flags);
        stepBytes.CopyTo(result, stepsOffset);
        data.CopyTo(result, dataOffset);
        int at = handOverOffset;
        foreach (int fd in _handOver)
        {
            BinaryPrimitives.WriteInt32LittleEndian(result.AsSpan(at), fd);
            at += 4;
        }
        return result;
    }
}
