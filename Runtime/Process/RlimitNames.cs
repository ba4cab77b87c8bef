using System.Collections.Generic;
using OciRuntime.Spec.Validation;

namespace OciRuntime.Process;

/// <summary>RLIMIT_* names (config.md "POSIX process" rlimits) and their resource numbers.</summary>
public static class RlimitNames
{
    /// <summary>Built from the spec's known values, whose index is the kernel's resource number.</summary>
    public static readonly IReadOnlyDictionary<string, int> Resource = Build();

    private static Dictionary<string, int> Build()
    {
        var d = new Dictionary<string, int>();
        for (int i = 0; i < KnownValues.Rlimits.Count; i++) d[KnownValues.Rlimits[i]] = i;
        return d;
    }
}
