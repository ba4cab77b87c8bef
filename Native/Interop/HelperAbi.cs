using System.Runtime.InteropServices;

namespace OciRuntime.Native.Interop;

/// <summary>Entry points of the C plan interpreter linked into the executable (Native/helper).</summary>
public static unsafe partial class HelperAbi
{
    internal const string Library = "ocihelper";

    /// <summary>clone3 with <paramref name="cloneFlags"/>; the child runs the plan. Returns the pid or -errno.</summary>
    [LibraryImport(Library, EntryPoint = "oci_spawn")]
    public static partial int Spawn(byte* plan, ulong planLength, ulong cloneFlags, int cgroupFd);

    /// <summary>The lowest fd ≥ 3 that was closed at process start (before .NET opened any): 3..this-1 are the caller's.</summary>
    [LibraryImport(Library, EntryPoint = "oci_first_closed_fd_at_start")]
    public static partial int FirstClosedFdAtStart();
}
