using System;
using System.Threading;

namespace OciRuntime;

/// <summary>
/// Test hook for the fork-safety stress test (make stress): with OCI_RUNTIME_STRESS_GC=1 the
/// runtime runs two threads that allocate and force GCs for its whole life, so every clone
/// happens while the GC is active. A design that ran managed code in the child would hang.
/// </summary>
internal static class StressHook
{
    public static void StartIfRequested()
    {
        if (Environment.GetEnvironmentVariable("OCI_RUNTIME_STRESS_GC") != "1") return;
        for (int i = 0; i < 2; i++)
        {
            var t = new Thread(Churn) { IsBackground = true, Name = $"stress-gc-{i}" };
            t.Start();
        }
    }

    private static void Churn()
    {
        var keep = new object[64];
        for (long n = 0; ; n++)
        {
            keep[n & 63] = new byte[1024 + (n & 4095)];
            if ((n & 1023) == 0) GC.Collect();
        }
    }
}
