using System.Runtime.InteropServices;

namespace OciRuntime.Cri;

static partial class Libc
{
    [LibraryImport("libc", SetLastError = true)]
    internal static partial uint geteuid();

    [LibraryImport("libc", SetLastError = true)]
    internal static partial int kill(int pid, int sig);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int umount2(string target, int flags);

    internal const int MNT_DETACH = 2;
}
