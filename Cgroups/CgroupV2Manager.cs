using System;
using System.IO;
using System.Threading;

namespace OciRuntime.Cgroups;

/// <summary>
/// One container's cgroup in the unified hierarchy: create it, put the init in it before the
/// init runs anything (the shim reads /proc/&lt;pid&gt;/cgroup right after create returns), and on
/// delete kill what is left (cgroup.kill), wait for it to empty, and remove it.
/// Resource limits come with issue 6; this is placement and cleanup only.
/// </summary>
public sealed class CgroupV2Manager
{
    public string Mount { get; }
    /// <summary>The cgroup's path inside the hierarchy, e.g. /oci-conformance/abc.</summary>
    public string Path { get; }
    public string Dir => Mount.TrimEnd('/') + Path;

    public CgroupV2Manager(string mount, string path)
    {
        Mount = mount;
        Path = path;
    }

    public static CgroupV2Manager? ForContainer(string? cgroupsPath, string id)
    {
        string? mount = CgroupMount.FindUnified();
        if (mount is null) return null;
        return new CgroupV2Manager(mount, CgroupPath.Resolve(cgroupsPath, id, CgroupMount.OwnCgroup()));
    }

    /// <summary>Creates the directory chain; returns true if the leaf did not exist before.</summary>
    public bool Create()
    {
        bool existed = Directory.Exists(Dir);
        Directory.CreateDirectory(Dir);
        return !existed;
    }

    public void AddProcess(int pid) => File.WriteAllText(System.IO.Path.Combine(Dir, "cgroup.procs"), pid.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Kills every process in the cgroup (cgroup.kill, Linux 5.14+), waits until it is empty, removes it.</summary>
    public void Destroy(TimeSpan timeout) => DestroyDir(Dir, timeout);

    /// <summary>Destroys a cgroup given its absolute directory (as recorded in the container's state).</summary>
    public static void DestroyDir(string dir, TimeSpan timeout)
    {
        if (!Directory.Exists(dir)) return;
        string kill = System.IO.Path.Combine(dir, "cgroup.kill");
        if (File.Exists(kill))
        {
            try { File.WriteAllText(kill, "1"); } catch (IOException) { }
        }
        DateTime deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                Directory.Delete(dir);
                return;
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(5); // EBUSY until the last process has been reaped
            }
            catch (DirectoryNotFoundException)
            {
                return;
            }
        }
    }
}
