using System.IO;
using System.Globalization;

namespace OciRuntime.Container;

/// <summary>--pid-file: bare decimal digits, no newline (containerd's strconv.Atoi breaks on one), written atomically.</summary>
public static class PidFile
{
    public static void Write(string path, int pid)
    {
        string full = Path.GetFullPath(path);
        string tmp = Path.Combine(Path.GetDirectoryName(full) ?? "/", $".{Path.GetFileName(full)}.{System.Environment.ProcessId}.tmp");
        try
        {
            File.WriteAllText(tmp, pid.ToString(CultureInfo.InvariantCulture));
            File.Move(tmp, full, overwrite: true);
        }
        catch (System.Exception e) when (e is IOException or System.UnauthorizedAccessException)
        {
            try { File.Delete(tmp); } catch (System.Exception d) when (d is IOException or System.UnauthorizedAccessException) { }
            throw new Errors.RuntimeException($"--pid-file {path}: cannot write it: {e.Message} (its directory must exist and be writable)");
        }
    }
}
