using System.Globalization;
using System.Text;

namespace OciRuntime.Native.Plan;

/// <summary>
/// A plan as text, one line per step, stable from run to run (what --debug writes):
/// <c>index op [-> sN] [tolerates errno E, skips K] [on success skips K]  # description</c>.
/// Kept compact on purpose: the branch that turns plans into data (golden dumps) extends this
/// same <see cref="Format"/>.
/// </summary>
public static class PlanDump
{
    public static string Format(ProcessPlan plan)
    {
        var inv = CultureInfo.InvariantCulture;
        var b = new StringBuilder();
        b.Append(plan.Steps.Count.ToString(inv)).Append(" steps, hands over fds [").Append(string.Join(' ', plan.HandedOver)).Append("]\n");
        for (int i = 0; i < plan.Steps.Count; i++)
        {
            PlanStep s = plan.Steps[i];
            b.Append(i.ToString(inv).PadLeft(3)).Append(' ');
            b.Append(s.Op == PlanOp.Syscall ? "syscall " + s.Nr.ToString(inv) : s.Op.ToString());
            if (s.ResultSlot >= 0) b.Append(" -> s").Append(s.ResultSlot.ToString(inv));
            if (s.TolerateErrno != 0)
            {
                b.Append(" [tolerates errno ").Append(s.TolerateErrno.ToString(inv));
                if (s.SkipOnTolerated != 0) b.Append(", skips ").Append(s.SkipOnTolerated.ToString(inv));
                b.Append(']');
            }
            if (s.SkipOnSuccess != 0) b.Append(" [on success skips ").Append(s.SkipOnSuccess.ToString(inv)).Append(']');
            b.Append("  # ").Append(PlanStrings.Escape(s.Description)).Append('\n');
        }
        return b.ToString();
    }
}
