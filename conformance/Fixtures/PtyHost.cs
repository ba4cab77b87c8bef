using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace OciRuntime.Conformance;

/// <summary>
/// A real pty the test drives as a user at a terminal would: the runtime runs with the slave as
/// its stdin, stdout and stderr; the test sets the window size, types into the master and reads
/// everything the runtime writes (a reader thread keeps the pty from filling up).
/// </summary>
public sealed unsafe partial class PtyHost : IDisposable
{
    private const int O_RDWR = 2, O_NOCTTY = 0x100, O_CLOEXEC = 0x80000;
    private const nuint TIOCSWINSZ = 0x5414;
    public const int TermiosSize = 64;
    public const uint ICANON = 0x2, ECHO = 0x8;

    [LibraryImport("libc", SetLastError = true)] private static partial int posix_openpt(int flags);
    [LibraryImport("libc", SetLastError = true)] private static partial int grantpt(int fd);
    [LibraryImport("libc", SetLastError = true)] private static partial int unlockpt(int fd);
    [LibraryImport("libc", SetLastError = true)] private static partial int ptsname_r(int fd, byte* buf, nuint len);
    [LibraryImport("libc", SetLastError = true)] private static partial int ioctl(int fd, nuint req, ushort* arg);
    [LibraryImport("libc", SetLastError = true)] private static partial int tcgetattr(int fd, byte* termios);
    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)] private static partial int open(string path, int flags);
    [LibraryImport("libc", SetLastError = true)] private static partial nint write(int fd, byte* buf, nuint len);

    public int Master { get; }
    public string SlavePath { get; }
    /// <summary>The slave held open by the test: its termios are read here, and it never hangs up under the runtime.</summary>
    private readonly int _slave;
    private readonly StringBuilder _output = new();
    private readonly Thread _reader;
    private volatile bool _stop;
    private Process? _process;

    public PtyHost(ushort rows = 24, ushort cols = 80)
    {
        Master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (Master < 0) throw new IOException($"posix_openpt: errno {Marshal.GetLastPInvokeError()}");
        byte* name = stackalloc byte[128];
        if (grantpt(Master) < 0 || unlockpt(Master) < 0 || ptsname_r(Master, name, 128) != 0)
            throw new IOException($"grantpt/unlockpt/ptsname_r: errno {Marshal.GetLastPInvokeError()}");
        SlavePath = Marshal.PtrToStringUTF8((nint)name)!;
        _slave = open(SlavePath, O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (_slave < 0) throw new IOException($"open {SlavePath}: errno {Marshal.GetLastPInvokeError()}");
        Resize(rows, cols);
        _reader = new Thread(ReadLoop) { IsBackground = true, Name = "pty reader" };
        _reader.Start();
    }

    public void Resize(ushort rows, ushort cols)
    {
        ushort* ws = stackalloc ushort[4];
        ws[0] = rows; ws[1] = cols; ws[2] = 0; ws[3] = 0;
        if (ioctl(Master, TIOCSWINSZ, ws) < 0) throw new IOException($"TIOCSWINSZ: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>The slave's termios, as bytes (glibc struct termios): compare before and after.</summary>
    public byte[] Termios()
    {
        var t = new byte[TermiosSize];
        fixed (byte* p = t)
            if (tcgetattr(_slave, p) < 0) throw new IOException($"tcgetattr: errno {Marshal.GetLastPInvokeError()}");
        return t;
    }

    public static uint LocalFlags(byte[] termios) => BitConverter.ToUInt32(termios, 12);

    /// <summary>Starts `runtime global-args args` with the slave as fds 0, 1 and 2.</summary>
    public void Start(RuntimeCli cli, params string[] args)
    {
        var psi = new ProcessStartInfo { FileName = "/bin/sh", UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("exec \"$@\" <\"$0\" >\"$0\" 2>&1");
        psi.ArgumentList.Add(SlavePath);
        psi.ArgumentList.Add(cli.Runtime);
        foreach (var a in cli.GlobalArgs()) psi.ArgumentList.Add(a);
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (cli.MarkerId != null) psi.Environment[Processes.MarkerName] = cli.MarkerId;
        _process = Process.Start(psi) ?? throw new InvalidOperationException("cannot start the runtime");
    }

    public int Pid => _process?.Id ?? throw new InvalidOperationException("not started");

    public void Type(string text)
    {
        byte[] b = Encoding.UTF8.GetBytes(text);
        fixed (byte* p = b)
            if (write(Master, p, (nuint)b.Length) != b.Length) throw new IOException($"write to the pty: errno {Marshal.GetLastPInvokeError()}");
    }

    public string Output { get { lock (_output) return _output.ToString(); } }

    /// <summary>Waits until the output contains text; fails with everything read so far.</summary>
    public void WaitFor(string text, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (DateTime.UtcNow < deadline)
        {
            if (Output.Contains(text, StringComparison.Ordinal)) return;
            if (_process is { HasExited: true } && !Output.Contains(text, StringComparison.Ordinal))
            {
                Thread.Sleep(300); // the reader may still be behind
                if (Output.Contains(text, StringComparison.Ordinal)) return;
                throw new Xunit.Sdk.XunitException($"the runtime exited ({_process.ExitCode}) before printing \"{text}\"; pty output:\n{Output}");
            }
            Thread.Sleep(20);
        }
        throw new Xunit.Sdk.XunitException($"\"{text}\" did not appear on the pty; output:\n{Output}");
    }

    /// <summary>The runtime's exit status; fails (killing it) after the timeout.</summary>
    public int WaitExit(TimeSpan? timeout = null)
    {
        var p = _process ?? throw new InvalidOperationException("not started");
        if (!p.WaitForExit(timeout ?? TimeSpan.FromSeconds(20)))
        {
            try { p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            throw new Xunit.Sdk.XunitException($"the runtime did not exit in time; pty output:\n{Output}");
        }
        Thread.Sleep(200); // the last output of the runtime to the reader
        return p.ExitCode;
    }

    private void ReadLoop()
    {
        while (!_stop)
        {
            byte[] chunk = Libc.ReadSome(Master, 100);
            if (chunk.Length > 0)
                lock (_output) _output.Append(Encoding.UTF8.GetString(chunk));
        }
    }

    public void Dispose()
    {
        if (_process is { HasExited: false } p)
        {
            try { p.Kill(entireProcessTree: true); p.WaitForExit(5000); } catch (InvalidOperationException) { }
        }
        _process?.Dispose();
        _stop = true;
        _reader.Join(2000);
        Libc.close(_slave);
        Libc.close(Master);
    }
}
