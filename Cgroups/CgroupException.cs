using System.IO;

namespace OciRuntime.Cgroups;

/// <summary>
/// A cgroup setting that cannot be applied: an unavailable controller, an invalid value, a failed
/// write. It derives from IOException so every caller that already reports failed cgroup-file
/// I/O (create's cleanup, the CLI's top-level handler) reports these the same way, message only.
/// </summary>
public class CgroupException : IOException
{
    public CgroupException(string message) : base(message) { }

    public CgroupException(string message, System.Exception inner) : base(message, inner) { }
}
