using System.Runtime.InteropServices;

namespace OciRuntime.Conformance.Fuzz;

/// <summary>The libc calls the fuzz harness needs to set up and clean up case dirs.</summary>
internal static partial class Native
{
    public const int MNT_DETACH = 2;

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int link(string existing, string newPath);

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int umount2(string target, int flags);

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int rmdir(string path);
}
