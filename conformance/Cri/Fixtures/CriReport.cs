namespace OciRuntime.Cri;

/// <summary>
/// Lines worth keeping from a run — timings and what containerd returned — in one report file that
/// scripts/run-tests.sh prints after the suite (xunit does not show a passing test's output).
/// </summary>
public static class CriReport
{
    static readonly object s_lock = new();

    public static void Reset()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(CriEnv.ReportFile)!);
        File.WriteAllText(CriEnv.ReportFile, $"# CRI suite, {DateTime.UtcNow:yyyy-MM-dd HH:mm:ss}Z\n");
    }

    public static void Line(string line)
    {
        lock (s_lock) File.AppendAllText(CriEnv.ReportFile, line.ReplaceLineEndings(" ").TrimEnd() + "\n");
    }
}
