using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace OciRuntime.Commands;

/// <summary>
/// uid → user name from the host's /etc/passwd, the file getpwuid reads on these hosts (ps(1)
/// shows host names, not the container's: runc runs it on the host). The first line for a uid wins,
/// as in getpwuid's files backend.
/// </summary>
public static class PasswdNames
{
    public static Dictionary<uint, string> Load(string path = "/etc/passwd")
    {
        try { return Parse(File.ReadAllText(path)); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return new Dictionary<uint, string>(); }
    }

    public static Dictionary<uint, string> Parse(string passwd)
    {
        var names = new Dictionary<uint, string>();
        foreach (string line in passwd.Split('\n'))
        {
            string[] f = line.Split(':');
            if (f.Length < 3 || f[0].Length == 0 || f[0][0] is '+' or '-' or '#') continue;
            if (uint.TryParse(f[2], NumberStyles.None, CultureInfo.InvariantCulture, out uint uid))
                names.TryAdd(uid, f[0]);
        }
        return names;
    }
}
