using OciRuntime.Errors;
using OciRuntime.Native.Interop;

namespace OciRuntime.Container;

/// <summary>
/// --preserve-fds N passes fds 3..N+2 on to the container: each must have been open when the
/// runtime started (counted before .NET opened any fd, Native/helper/startfds.c), or a runtime
/// fd that happens to get such a number would be taken for the caller's.
/// </summary>
public static class PreservedFds
{
    public static void EnsureOpen(int count)
    {
        if (count < 0) throw new RuntimeException($"--preserve-fds {count}: must not be negative");
        int firstClosed = HelperAbi.FirstClosedFdAtStart();
        if (3L + count > firstClosed)
            throw new RuntimeException($"--preserve-fds {count}: fd {firstClosed} was not open when the runtime started (the caller passed {firstClosed - 3} fds after stdio)");
    }
}
