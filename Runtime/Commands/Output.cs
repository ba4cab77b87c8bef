using System;
using System.IO;
using System.Text;

namespace OciRuntime.Commands;

/// <summary>Writes command output to stdout without the Console class's buffering and encoding setup.</summary>
public static class Output
{
    public static void WriteStdout(string text)
    {
        using Stream s = Console.OpenStandardOutput();
        byte[] b = Encoding.UTF8.GetBytes(text);
        s.Write(b, 0, b.Length);
    }
}
