using System.Diagnostics;

namespace OciRuntime.Cri;

/// <summary>
/// What systemd (PID 1 in the systemd guest) says about units, through systemctl: the guest has no
/// dbus-daemon, and systemctl as root talks to /run/systemd/private, as the runtimes do. Used with
/// <see cref="CriEnv.SystemdCgroup"/> only.
/// </summary>
public static class Systemd
{
    /// <summary>
    /// The cgroup of a slice, as systemd nests it: every dash starts a level, so
    /// kubepods-besteffort-pod1.slice is /kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod1.slice.
    /// </summary>
    public static string SliceCgroup(string slice)
    {
        if (!slice.EndsWith(".slice", StringComparison.Ordinal)) throw new ArgumentException($"{slice} is not a slice");
        string stem = slice[..^".slice".Length];
        if (stem == "-") return "/";
        string[] parts = stem.Split('-');
        string path = "";
        for (int i = 1; i <= parts.Length; i++) path += "/" + string.Join('-', parts[..i]) + ".slice";
        return path;
    }

    /// <summary>kubelet's pod slice for a pod uid (systemd driver, BestEffort): dashes become underscores.</summary>
    public static string PodSlice(string uid) => $"kubepods-besteffort-pod{uid.Replace('-', '_')}.slice";

    /// <summary>The unit's properties (`systemctl show -p ...`), one call for all of them.</summary>
    public static Dictionary<string, string> Show(string unit, params string[] properties)
    {
        var args = new List<string> { "show" };
        foreach (string p in properties) { args.Add("-p"); args.Add(p); }
        args.Add(unit);
        var r = new Dictionary<string, string>();
        foreach (string line in Systemctl(args).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = line.IndexOf('=');
            if (eq > 0) r[line[..eq]] = line[(eq + 1)..];
        }
        return r;
    }

    /// <summary>Every loaded unit of a type, whatever its state (`list-units --all`).</summary>
    public static List<string> Units(string type) =>
        Systemctl(["list-units", "--type", type, "--all", "--plain", "--no-legend", "--no-pager"])
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.TrimStart(' ', '●', '*').Split(' ', 2)[0]).ToList();

    /// <summary>Waits until systemd no longer knows the unit (stopped and collected); false after the timeout.</summary>
    public static bool WaitUnitGone(string unit, int seconds = 15)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (Show(unit, "LoadState").GetValueOrDefault("LoadState") != "not-found")
        {
            if (DateTime.UtcNow > deadline) return false;
            Thread.Sleep(200);
        }
        return true;
    }

    /// <summary>Stops a unit (a slice takes everything under it along); best effort.</summary>
    public static void Stop(string unit)
    {
        try { Systemctl(["stop", unit]); }
        catch (InvalidOperationException) { /* not loaded, or systemd is gone */ }
    }

    static string Systemctl(IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo("systemctl") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("cannot start systemctl");
        var err = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(60_000)) { p.Kill(); throw new InvalidOperationException($"systemctl {string.Join(' ', psi.ArgumentList)}: timed out"); }
        if (p.ExitCode != 0) throw new InvalidOperationException($"systemctl {string.Join(' ', psi.ArgumentList)}: exit status {p.ExitCode}: {err.Result.Trim()}");
        return output;
    }
}
