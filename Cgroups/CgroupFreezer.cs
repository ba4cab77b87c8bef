using System;
using System.IO;
using System.Threading;

namespace OciRuntime.Cgroups;

/// <summary>
/// cgroup v2's freezer: write cgroup.freeze, then wait until cgroup.events says "frozen 1" (the
/// write only requests it; tasks stop at their next return to user space). A cgroup that does not
/// freeze in time is thawed again, so a failed pause never leaves it half-frozen.
/// </summary>
public static class CgroupFreezer
{
    public static void Freeze(string dir, TimeSpan timeout)
    {
        Write(dir, "1");
        if (WaitFrozen(dir, true, timeout)) return;
        try { Write(dir, "0"); } catch (CgroupException) { }
        throw new CgroupException($"freeze {dir}: its processes did not all stop within {timeout.TotalSeconds:0} s (cgroup.events never showed \"frozen 1\"; a process may be stuck in uninterruptible sleep); thawed it again");
    }

    public static void Thaw(string dir, TimeSpan timeout)
    {
        Write(dir, "0");
        if (!WaitFrozen(dir, false, timeout))
            throw new CgroupException($"thaw {dir}: cgroup.events still shows \"frozen 1\" after {timeout.TotalSeconds:0} s (is an ancestor cgroup frozen?)");
    }

    /// <summary>Whether the freeze was requested (cgroup.freeze = 1); that is what runc reports as paused.</summary>
    public static bool IsFreezeRequested(string dir)
    {
        try { return File.ReadAllText(Path.Combine(dir, "cgroup.freeze")).Trim() == "1"; }
        catch (IOException) { return false; }
    }

    public static bool IsFrozen(string dir)
    {
        try
        {
            foreach (string line in File.ReadLines(Path.Combine(dir, "cgroup.events")))
                if (line.StartsWith("frozen ", StringComparison.Ordinal)) return line.AsSpan(7).Trim().SequenceEqual("1");
        }
        catch (IOException) { }
        return false;
    }

    private static bool WaitFrozen(string dir, bool want, TimeSpan timeout)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        int sleep = 1;
        while (true)
        {
            if (IsFrozen(dir) == want) return true;
            if (DateTime.UtcNow >= deadline) return false;
            Thread.Sleep(sleep);
            sleep = Math.Min(sleep * 2, 50);
        }
    }

    private static void Write(string dir, string v)
    {
        string f = Path.Combine(dir, "cgroup.freeze");
        try { File.WriteAllText(f, v); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CgroupException($"write {v} to {f}: {e.Message} (the cgroup v2 freezer needs Linux 5.2+ and a non-root cgroup)", e);
        }
    }
}
