using System.Buffers.Binary;
using System.Diagnostics;
using OciRuntime.Native.Plan;

namespace OciRuntime.Tests;

/// <summary>
/// The one C#/C contract, checked against the C compiler: plan.h's sizes, offsets and enum
/// values as a C probe prints them must be what ProcessPlan writes; and every plan C# builds
/// must pass the sealed init's own verifier (Native/init/verify.c, linked into the probe),
/// while a plan with an out-of-range offset, slot or jump must not.
/// </summary>
public class PlanLayoutTests
{
    private static readonly Lazy<string> Probe = new(() =>
    {
        string repo = FindRepo();
        string dir = Path.Combine(Path.GetTempPath(), "oci-plan-probe-" + Environment.ProcessId);
        Directory.CreateDirectory(dir);
        string exe = Path.Combine(dir, "plan-probe");
        string args = $"-std=gnu11 -O1 -Wall -Werror -D_GNU_SOURCE -I{repo}/Native/helper -o {exe} {repo}/Tests/Runtime.Tests/native/plan-probe.c {repo}/Native/init/verify.c";
        var p = System.Diagnostics.Process.Start(new ProcessStartInfo("cc", args) { RedirectStandardError = true })!;
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException("cc failed: " + err);
        return exe;
    });

    private static string FindRepo()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d != null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "oci-runtime.sln"))) return d.FullName;
        throw new InvalidOperationException("repository root not found above " + AppContext.BaseDirectory);
    }

    private static string RunProbe(string mode, byte[]? stdin = null)
    {
        var p = System.Diagnostics.Process.Start(new ProcessStartInfo(Probe.Value, mode) { RedirectStandardOutput = true, RedirectStandardInput = true })!;
        if (stdin is not null) p.StandardInput.BaseStream.Write(stdin);
        p.StandardInput.Close();
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return output.Trim();
    }

    private static Dictionary<string, long> CLayout() =>
        RunProbe("layout").Split('\n').Select(l => l.Split(' ')).ToDictionary(f => f[0], f => long.Parse(f[1]));

    [Fact]
    public void HeaderAndStep_MatchPlanH()
    {
        var c = CLayout();
        Assert.Equal(ProcessPlan.HeaderSize, c["header.size"]);
        Assert.Equal(ProcessPlan.StepSize, c["step.size"]);
        Assert.Equal(16, c["msg.size"]);
        Assert.Equal(ProcessPlan.Magic, (uint)c["magic"]);
        Assert.Equal(ProcessPlan.Version, (uint)c["version"]);
        Assert.Equal(ProcessPlan.MaxSlots, c["max_slots"]);
        Assert.Equal(ProcessPlan.MaxHandOver, c["max_handover"]);
        // ProcessPlan.Build's offsets, as the C# code writes them
        var expected = new Dictionary<string, long>
        {
            ["header.magic"] = 0, ["header.version"] = 4, ["header.step_count"] = 8, ["header.slot_count"] = 12,
            ["header.steps_offset"] = 16, ["header.data_offset"] = 20, ["header.data_length"] = 24, ["header.sync_fd"] = 28,
            ["header.parent_sync_fd"] = 32, ["header.handover_offset"] = 36, ["header.handover_count"] = 40,
            ["step.op"] = 0, ["step.nr"] = 4, ["step.arg_kinds"] = 8, ["step.result_slot"] = 12, ["step.ok_errno"] = 16,
            ["step.skip_on_ok_errno"] = 20, ["step.skip_on_success"] = 24, ["step.ok_errno2"] = 28, ["step.args"] = 32,
            ["msg.type"] = 0, ["msg.step"] = 4, ["msg.err"] = 8, ["msg.pid"] = 12,
        };
        foreach (var (name, offset) in expected) Assert.True(c[name] == offset, $"{name}: C says {c[name]}, C# writes {offset}");
    }

    [Fact]
    public void Enums_MatchPlanH()
    {
        var c = CLayout();
        foreach (PlanOp op in Enum.GetValues<PlanOp>()) Assert.Equal((long)op, c["op." + op]);
        foreach (PlanArgKind k in Enum.GetValues<PlanArgKind>()) Assert.Equal((long)k, c["arg." + k]);
        foreach (PlanMessageType m in Enum.GetValues<PlanMessageType>()) Assert.Equal((long)m, c["msg." + m]);
        Assert.Equal(PlanPreStep.ExecInit, c["prestep.ExecInit"]);
        Assert.Equal(PlanPreStep.Verify, c["prestep.Verify"]);
        Assert.Equal(PlanPreStep.LoadPlan, c["prestep.LoadPlan"]);
        Assert.Equal(Enum.GetValues<PlanOp>().Length, c.Keys.Count(k => k.StartsWith("op.")));
    }

    private static ProcessPlan SamplePlan()
    {
        var plan = new ProcessPlan();
        PlanSlot a = plan.NewSlot(), b = plan.NewSlot();
        plan.Syscall(257, "open", -100L, PlanArg.Str("/"), 0L).Into(a);
        PlanLabel ready = plan.NewLabel();
        plan.Syscall(437, "openat2", PlanArg.Slot(a), PlanArg.Str("proc"), PlanArg.Data(new byte[24]), 24L).Into(b).Tolerate(2, 13, ready);
        plan.Syscall(165, "mount", PlanArg.Str("proc"), PlanArg.FdPath(b), PlanArg.Str("proc"), 0L, PlanArg.Null);
        plan.Mark(ready);
        plan.Op(PlanOp.SyncSend, "ready", (long)PlanMessageType.Ready);
        plan.HandOver(7);
        return plan;
    }

    [Fact]
    public void PlansCSharpBuilds_PassTheInitsVerifier() =>
        Assert.Equal("ok", RunProbe("verify", SamplePlan().Build(3, 4)));

    [Fact]
    public void Verifier_RefusesOutOfRangeDataSlotsAndJumps()
    {
        byte[] good = SamplePlan().Build(3, 4);
        int step0 = ProcessPlan.HeaderSize, step1 = step0 + ProcessPlan.StepSize;

        byte[] badData = (byte[])good.Clone();
        BinaryPrimitives.WriteInt64LittleEndian(badData.AsSpan(step0 + 32 + 8), 1 << 20);
        Assert.Equal("bad 0", RunProbe("verify", badData));

        byte[] slotBeforeWrite = (byte[])good.Clone();
        BinaryPrimitives.WriteInt32LittleEndian(slotBeforeWrite.AsSpan(step0 + 12), -1); // step 0 no longer writes slot a
        Assert.Equal("bad 1", RunProbe("verify", slotBeforeWrite));

        byte[] longJump = (byte[])good.Clone();
        BinaryPrimitives.WriteInt32LittleEndian(longJump.AsSpan(step1 + 20), 50);
        Assert.Equal("bad 1", RunProbe("verify", longJump));

        byte[] badOp = (byte[])good.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(badOp.AsSpan(step1), 99);
        Assert.Equal("bad 1", RunProbe("verify", badOp));

        byte[] badSecondErrno = (byte[])good.Clone();
        BinaryPrimitives.WriteInt32LittleEndian(badSecondErrno.AsSpan(step1 + 28), 5000);
        Assert.Equal("bad 1", RunProbe("verify", badSecondErrno));

        byte[] noFinalNul = (byte[])good.Clone();
        noFinalNul[BinaryPrimitives.ReadInt32LittleEndian(good.AsSpan(20)) + BinaryPrimitives.ReadInt32LittleEndian(good.AsSpan(24)) - 1] = (byte)'x';
        Assert.Equal("bad -2", RunProbe("verify", noFinalNul));

        Assert.Equal("bad -2", RunProbe("verify", good.AsSpan(0, 40).ToArray()));
    }

    [FsCheck.Xunit.Property(MaxTest = 50)]
    public bool RandomDataArguments_AlwaysVerify(byte[][] blobs, string[] strings)
    {
        var plan = new ProcessPlan();
        foreach (byte[] blob in blobs ?? Array.Empty<byte[]>()) plan.Syscall(1, "x", PlanArg.Data(blob ?? new byte[1]));
        foreach (string s in strings ?? Array.Empty<string>())
            if (s is not null && !s.Contains('\0')) plan.Syscall(2, "y", PlanArg.Str(s));
        return RunProbe("verify", plan.Build(3, 4)) == "ok";
    }
}
