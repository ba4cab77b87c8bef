namespace OciRuntime.Cri.Guest;

/// <summary>
/// The VM suites' bookkeeping (conformance/vm/suite-lib.sh) in C#: one "PASS name" or
/// "FAIL name: why" line per check and a last line "N passed, N failed", which the host side reads
/// exactly as it reads cgroup-suite.sh and systemd-suite.sh.
/// </summary>
public sealed class GuestChecks
{
    public int Passed { get; private set; }
    public int Failed { get; private set; }

    public bool True(string name, bool ok, string why)
    {
        if (ok) { Passed++; Console.WriteLine($"PASS {name}"); }
        else { Failed++; Console.WriteLine($"FAIL {name}: {why.ReplaceLineEndings(" ")}"); }
        return ok;
    }

    public bool Eq<T>(string name, T actual, T expected) =>
        True(name, EqualityComparer<T>.Default.Equals(actual, expected), $"expected [{expected}], got [{actual}]");

    /// <summary>Runs a step whose exception is a failure of its own (later checks still run).</summary>
    public bool Step(string name, Action step)
    {
        try { step(); return True(name, true, ""); }
        catch (Exception e) { return True(name, false, $"{e.GetType().Name}: {e.Message}"); }
    }

    public void Note(string line) => Console.WriteLine($"# {line}");

    readonly System.Diagnostics.Stopwatch _lap = System.Diagnostics.Stopwatch.StartNew();

    /// <summary>Notes how long the calls since the last lap took (under TCG, to see where time goes).</summary>
    public void Lap(string what)
    {
        Note($"{what}: {_lap.Elapsed.TotalSeconds:F1} s");
        _lap.Restart();
    }

    public string Summary => $"{Passed} passed, {Failed} failed";
}
