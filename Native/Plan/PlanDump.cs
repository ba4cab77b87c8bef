using System.Collections.Generic;
using System.Globalization;
using System.Text;
using OciRuntime.Native.Interop;

namespace OciRuntime.Native.Plan;

/// <summary>
/// A plan as text, one line per step, stable from run to run: what the golden-plan tests compare
/// (Tests/Runtime.Tests/golden/) and what --debug writes. A line reads
/// <c>12 openat2(s0, "dev", &lt;hex ...&gt;, 24) -&gt; s3 [ENOENT: 17] [ok: 20]  # description</c>:
/// sN is slot N, fdpath(sN) the string /proc/self/fd/&lt;slot N&gt;, [ERRNO: i] (or [ERRNO|ERRNO2: i]) a tolerated
/// failure continuing at step i, [ok: i] a success jumping to step i.
/// </summary>
public static class PlanDump
{
    public static string Format(ProcessPlan plan)
    {
        var b = new StringBuilder();
        b.Append("# ").Append(plan.Steps.Count).Append(" steps, ").Append(plan.SlotCount).Append(" slots, hands over fds [")
            .Append(string.Join(' ', plan.HandedOver)).Append("]\n");
        for (int i = 0; i < plan.Steps.Count; i++) b.Append(Line(plan, i)).Append('\n');
        return b.ToString();
    }

    public static string Line(ProcessPlan plan, int index)
    {
        PlanStep s = plan.Steps[index];
        var b = new StringBuilder();
        b.Append(index.ToString(CultureInfo.InvariantCulture).PadLeft(3)).Append(' ');
        b.Append(s.Op == PlanOp.Syscall ? Nr.Name(s.Nr) : OpName(s.Op)).Append('(');
        for (int a = 0; a < s.Args.Length; a++)
        {
            if (a > 0) b.Append(", ");
            b.Append(Arg(s.Args[a]));
        }
        b.Append(')');
        if (s.ResultSlot >= 0) b.Append(" -> s").Append(s.ResultSlot);
        if (s.TolerateErrno != 0)
        {
            b.Append(" [").Append(ErrnoName(s.TolerateErrno));
            if (s.TolerateErrno2 != 0) b.Append('|').Append(ErrnoName(s.TolerateErrno2));
            b.Append(": ");
            b.Append(s.ToleratedJump is { } t ? plan.TargetOf(t) : index + 1).Append(']');
        }
        if (s.SuccessJump is { } ok) b.Append(" [ok: ").Append(plan.TargetOf(ok)).Append(']');
        b.Append("  # ").Append(PlanStrings.Escape(s.Description));
        return b.ToString();
    }

    private static string OpName(PlanOp op) => op switch
    {
        PlanOp.SyncWait => "sync-wait",
        PlanOp.SyncSend => "sync-send",
        PlanOp.Fork => "fork",
        PlanOp.Lookup => "lookup",
        PlanOp.Exec => "exec",
        PlanOp.SendFd => "send-fd",
        PlanOp.Seccomp => "seccomp",
        PlanOp.ReportTo => "report-to",
        PlanOp.SyncSendFd => "sync-send-fd",
        PlanOp.RecvFd => "recv-fd",
        _ => "op" + ((uint)op).ToString(CultureInfo.InvariantCulture),
    };

    private static string Arg(PlanArg a) => a.Kind switch
    {
        PlanArgKind.Slot => "s" + a.Value.ToString(CultureInfo.InvariantCulture),
        PlanArgKind.FdPath => "fdpath(s" + a.Value.ToString(CultureInfo.InvariantCulture) + ")",
        PlanArgKind.Data => Data(a.Bytes!),
        _ => a.Value is > -4096 and < 4096 ? a.Value.ToString(CultureInfo.InvariantCulture) : "0x" + a.Value.ToString("x", CultureInfo.InvariantCulture),
    };

    /// <summary>A string, a NUL-separated string block, short structs in hex, long ones by size and hash.</summary>
    private static string Data(byte[] bytes)
    {
        if (Strings(bytes) is { } parts)
            return parts.Count == 1 ? Quote(parts[0]) : "[" + string.Join(", ", parts.ConvertAll(Quote)) + "]";
        if (bytes.Length <= 32) return "<" + System.Convert.ToHexString(bytes).ToLowerInvariant() + ">";
        uint h = 2166136261;
        foreach (byte x in bytes) h = (h ^ x) * 16777619;
        return $"<{bytes.Length} bytes, fnv1a {h:x8}>";
    }

    /// <summary>
    /// The NUL-terminated strings the bytes hold, or null for a struct: strict UTF-8, printable,
    /// and no empty string except a lone "" (a struct's zero bytes would read as empty strings).
    /// </summary>
    private static List<string>? Strings(byte[] bytes)
    {
        if (bytes.Length == 0 || bytes[^1] != 0) return null;
        var parts = new List<string>();
        int start = 0;
        for (int i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] != 0) { if (bytes[i] < 0x20 || bytes[i] == 0x7f) return null; continue; }
            if (i == start && bytes.Length > 1) return null;
            try { parts.Add(StrictUtf8.GetString(bytes, start, i - start)); }
            catch (DecoderFallbackException) { return null; }
            start = i + 1;
        }
        return parts;
    }

    private static readonly UTF8Encoding StrictUtf8 = new(false, true);

    private static string Quote(string s) => "\"" + PlanStrings.Escape(s).Replace("\"", "\\\"") + "\"";

    private static string ErrnoName(int e) => e switch
    {
        Errno.EPERM => "EPERM", Errno.ENOENT => "ENOENT", Errno.EEXIST => "EEXIST", Errno.ENOTDIR => "ENOTDIR",
        Errno.EINVAL => "EINVAL", Errno.ENOSYS => "ENOSYS", Errno.EBUSY => "EBUSY", Errno.EACCES => "EACCES",
        Errno.EOPNOTSUPP => "EOPNOTSUPP", Errno.EROFS => "EROFS", Errno.ESRCH => "ESRCH",
        _ => "errno " + e.ToString(CultureInfo.InvariantCulture),
    };
}
