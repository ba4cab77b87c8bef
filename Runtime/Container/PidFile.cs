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
        File.WriteAllText(tmp, pid.ToString(CultureInfo.InvariantCulture));
        File.Move(tmp, full, overwrite: true);
    }
}
