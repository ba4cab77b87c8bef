using System.Collections.Generic;
using OciRuntime.Native.Interop;
using OciRuntime.Native.Plan;

namespace OciRuntime.Process;

/// <summary>
/// Closes every inherited fd from <c>firstFree</c> up, except the few the plan still needs
/// (sync socket, exec.fifo): close_range over the gaps. This is what keeps containerd's leaked
/// ttrpc socket (fd 3) and every other host fd out of the container.
/// </summary>
public static class FdCloser
{
    public static void Emit(ProcessPlan plan, int firstFree, params int[] keep)
    {
        var sorted = new SortedSet<int>(keep);
        int from = firstFree;
        foreach (int fd in sorted)
        {
            if (fd < firstFree) continue;
            if (fd > from) plan.Syscall(Nr.close_range, $"close inherited fds {from}-{fd - 1}", (long)from, (long)(fd - 1), 0L);
            from = fd + 1;
        }
        plan.Syscall(Nr.close_range, $"close inherited fds from {from}", (long)from, unchecked((long)uint.MaxValue), 0L);
    }
}
