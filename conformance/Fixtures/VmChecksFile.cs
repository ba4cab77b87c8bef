using System.Text;

namespace OciRuntime.Conformance;

/// <summary>
/// &lt;suite&gt;.checks in $OCI_VM_RESULTS_DIR, the file scripts/vm-checks.sh reads so that make
/// test counts each check of a qemu guest suite instead of the one xunit test that booted the guest
/// (docs/vm-harness.md, "Counting the checks"): header lines (#), the guest's PASS/FAIL/SKIP lines
/// as printed, and the verdict the test reached. One writer for both projects that boot guests
/// (this one's VmSuite and conformance/Cri's SystemdGuestTests, which links this file), so the
/// format has one source.
/// </summary>
public static class VmChecksFile
{
    /// <param name="suite">The suite's name in the header; the file is named after it without its extension.</param>
    /// <param name="expected">How many checks the suite has at least: the ones it did not report count as failed.</param>
    /// <param name="counts">Which check lines count (default: all); e.g. not the oracle's.</param>
    public static void Write(string suite, string runtimeName, TimeSpan elapsed, int expected, string stdout, string verdict,
        Func<string, bool>? counts = null)
    {
        string? dir = Environment.GetEnvironmentVariable("OCI_VM_RESULTS_DIR");
        if (string.IsNullOrEmpty(dir)) return;
        Directory.CreateDirectory(dir);
        var text = new StringBuilder();
        text.Append($"# suite {suite} runtime {runtimeName} seconds {elapsed.TotalSeconds:0}\n");
        text.Append("# counted-as xunit\n");
        text.Append($"# expected {expected}\n");
        foreach (string line in stdout.Split('\n'))
            if (IsCheck(line) && (counts?.Invoke(line) ?? true))
                text.Append(line).Append('\n');
        text.Append($"# verdict {verdict}\n");
        File.WriteAllText(Path.Combine(dir, Path.GetFileNameWithoutExtension(suite) + ".checks"), text.ToString());
    }

    private static bool IsCheck(string line) =>
        line.StartsWith("PASS ", StringComparison.Ordinal) || line.StartsWith("FAIL ", StringComparison.Ordinal) || line.StartsWith("SKIP ", StringComparison.Ordinal);
}
