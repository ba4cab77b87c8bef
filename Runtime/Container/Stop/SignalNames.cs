using System.Collections.Generic;
using System.Globalization;
using OciRuntime.Errors;

namespace OciRuntime.Container;

/// <summary>`kill` signal arguments: numbers, or names with or without the SIG prefix.</summary>
public static class SignalNames
{
    private static readonly Dictionary<string, int> Numbers = new()
    {
        ["HUP"] = 1, ["INT"] = 2, ["QUIT"] = 3, ["ILL"] = 4, ["TRAP"] = 5, ["ABRT"] = 6, ["IOT"] = 6, ["BUS"] = 7,
        ["FPE"] = 8, ["KILL"] = 9, ["USR1"] = 10, ["SEGV"] = 11, ["USR2"] = 12, ["PIPE"] = 13, ["ALRM"] = 14,
        ["TERM"] = 15, ["STKFLT"] = 16, ["CHLD"] = 17, ["CONT"] = 18, ["STOP"] = 19, ["TSTP"] = 20,
        ["TTIN"] = 21, ["TTOU"] = 22, ["URG"] = 23, ["XCPU"] = 24, ["XFSZ"] = 25, ["VTALRM"] = 26,
        ["PROF"] = 27, ["WINCH"] = 28, ["IO"] = 29, ["POLL"] = 29, ["PWR"] = 30, ["SYS"] = 31,
    };

    public static int Parse(string s)
    {
        if (int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out int n))
        {
            // 0 sends nothing and only checks that the init exists (kill(2)); runc accepts it.
            if (n >= 0 && n <= 64) return n;
            throw new RuntimeException($"invalid signal: {s}");
        }
        string name = s.ToUpperInvariant();
        if (name.StartsWith("SIG", System.StringComparison.Ordinal)) name = name.Substring(3);
        if (Numbers.TryGetValue(name, out int v)) return v;
        if (name.StartsWith("RTMIN", System.StringComparison.Ordinal) || name.StartsWith("RTMAX", System.StringComparison.Ordinal))
        {
            int baseNum = name.StartsWith("RTMIN", System.StringComparison.Ordinal) ? 34 : 64;
            string rest = name.Substring(5);
            if (rest.Length == 0) return baseNum;
            if (int.TryParse(rest, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int off))
            {
                int sig = baseNum + off;
                if (sig >= 34 && sig <= 64) return sig;
            }
        }
        throw new RuntimeException($"invalid signal: {s}");
    }
}
