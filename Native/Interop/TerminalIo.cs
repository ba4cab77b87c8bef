using System.Runtime.InteropServices;

namespace OciRuntime.Native.Interop;

/// <summary>
/// The caller's terminal and the proxied pty master (foreground `run`/`exec -t`): termios as an
/// opaque glibc struct (only tcgetattr/cfmakeraw/tcsetattr touch it), the window size, and a
/// pidfd so one poll sees the process exit next to the terminal's data.
/// </summary>
public static unsafe partial class TerminalIo
{
    private const string Libc = "libc";

    /// <summary>sizeof(struct termios) in glibc is 60; a little slack.</summary>
    public const int TermiosSize = 64;
    public const int TCSANOW = 0;
    /// <summary>c_oflag follows c_iflag in every Linux struct termios.</summary>
    public const int OflagOffset = 4;
    public const uint OPOST = 0x1, ONLCR = 0x4;
    public const uint TIOCGWINSZ = 0x5413;
    public const int PidfdOpenNr = 434;

    [LibraryImport(Libc, EntryPoint = "isatty")]
    public static partial int IsATty(int fd);

    [LibraryImport(Libc, EntryPoint = "tcgetattr", SetLastError = true)]
    public static partial int TcGetAttr(int fd, byte* termios);

    [LibraryImport(Libc, EntryPoint = "tcsetattr", SetLastError = true)]
    public static partial int TcSetAttr(int fd, int action, byte* termios);

    [LibraryImport(Libc, EntryPoint = "cfmakeraw")]
    public static partial void CfMakeRaw(byte* termios);

    [LibraryImport(Libc, EntryPoint = "ioctl", SetLastError = true)]
    public static partial int IoctlWinsize(int fd, nuint request, WinSize* size);

    /// <summary>Returns a pidfd (CLOEXEC) or -1.</summary>
    public static int PidfdOpen(int pid) => (int)Sys.Syscall3(PidfdOpenNr, pid, 0, 0);
}

[StructLayout(LayoutKind.Sequential)]
public struct WinSize
{
    public ushort Rows;
    public ushort Cols;
    public ushort XPixel;
    public ushort YPixel;
}

public static class Poll
{
    public const short IN = 0x1, ERR = 0x8, HUP = 0x10, NVAL = 0x20;
}
