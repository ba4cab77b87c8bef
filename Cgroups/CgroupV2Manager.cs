using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using OciRuntime.Spec.Config;

namespace OciRuntime.Cgroups;

/// <summary>
/// One container's cgroup in the unified hierarchy: create it, put the init in it before the
/// init runs anything (the shim reads /proc/&lt;pid&gt;/cgroup right after create returns), and on
/// delete kill what is left (cgroup.kill), wait for it to empty, and remove it.
/// Resources: <see cref="Apply"/> (create) and <see cref="Update"/> turn linux.resources into
/// file writes (<see cref="ResourceWriter"/>) and a device eBPF program (<see cref="DeviceFilter"/>).
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
        // Relative and empty paths nest under the PARENT of the runtime's own cgroup, as runc's
        // fs2 driver does: the runtime's own cgroup has processes (the caller, the runtime), so it
        // could not enable controllers for a child without becoming a thread root.
        return new CgroupV2Manager(mount, CgroupPath.Resolve(cgroupsPath, id, ParentOf(CgroupMount.OwnCgroup())));
    }

    public static string ParentOf(string cgroup)
    {
        string t = cgroup.TrimEnd('/');
        int slash = t.LastIndexOf('/');
        return slash <= 0 ? "/" : t.Substring(0, slash);
    }

    /// <summary>Creates the directory chain; returns true if the leaf did not exist before.</summary>
    public bool Create()
    {
        bool existed = Directory.Exists(Dir);
        Directory.CreateDirectory(Dir);
        return !existed;
    }

    /// <summary>
    /// create: applies every resource of the config and installs the device filter (runc's
    /// default deny plus the standard allowed devices even when linux.resources is absent).
    /// Returns the warning about weights left out (<see cref="SoftWeights"/>), or null.
    /// </summary>
    /// <param name="deviceFilter">false in rootless mode: loading the eBPF program needs privilege a
    /// user lacks, and a user namespace already keeps the container from creating device nodes (runc skips it too).</param>
    public string? Apply(LinuxResources? resources, bool deviceFilter = true) => Set(resources ?? new LinuxResources(), installDevices: deviceFilter);

    /// <summary>
    /// update: writes only what <paramref name="resources"/> sets; the device filter is replaced
    /// only if it carries a devices list. Returns the warning about weights left out, or null.
    /// </summary>
    public string? Update(LinuxResources resources) => Set(resources, installDevices: resources.Devices is not null);

    private string? Set(LinuxResources requested, bool installDevices)
    {
        LinuxResources r = SoftWeights.Without(Mount, requested, out string? warning);
        // Validate everything (values, device rules, controllers) before the first write, so a
        // refused config changes nothing.
        // Planned as if BFQ were there: whether it is can only be known once io is enabled, and a
        // host without the io controller must hear that first, not that it lacks BFQ.
        List<CgroupWrite> planned = ResourceWriter.Plan(r, bfqWeight: true);
        List<DeviceRule>? rules = installDevices ? DeviceRule.ForContainer(r.Devices) : null;
        List<BpfInsn>? program = rules is null ? null : DeviceFilter.Compile(rules);
        CgroupControllers.EnsureAvailable(Mount, Path, planned);

        List<string> needed = ResourceWriter.Controllers(planned);
        CgroupControllers.Enable(Mount, Path, needed, writes: planned);
        if (CgroupMount.IsPureV2(Mount))
        {
            // Like runc on a pure v2 host: every offered controller, so stats and later updates
            // find their files. Not on hybrid hosts, whose v2 root is shared with the host's own.
            HashSet<string> offered = CgroupControllers.Read(System.IO.Path.Combine(Mount, "cgroup.controllers"));
            CgroupControllers.Enable(Mount, Path, offered.Except(needed), strict: false);
        }

        bool bfq = File.Exists(System.IO.Path.Combine(Dir, "io.bfq.weight"));
        List<CgroupWrite> writes = bfq ? planned : ResourceWriter.Plan(r);
        CheckBeforeUpdate(r.Memory);
        foreach (CgroupWrite w in writes) Write(w);
        if (program is not null) DeviceFilterInstaller.Install(Dir, program);
        return warning;
    }

    /// <summary>memory.checkBeforeUpdate: refuse a limit at or below the current usage (runc's CheckMemoryUsage).</summary>
    private void CheckBeforeUpdate(LinuxMemory? m)
    {
        if (m?.CheckBeforeUpdate != true || m.Limit is not long limit || limit <= 0) return;
        ulong usage = CgroupStats.Single(System.IO.Path.Combine(Dir, "memory.current"));
        if ((ulong)limit <= usage)
            throw new CgroupException($"linux.resources.memory.limit: rejecting memory limit {limit} below current usage {usage} (checkBeforeUpdate is set)");
    }

    private void Write(CgroupWrite w)
    {
        string file = System.IO.Path.Combine(Dir, w.File);
        if (w.Optional && !File.Exists(file)) return;
        try
        {
            // Never create a file: a name the kernel does not provide is an error, not a new file.
            using var fs = new FileStream(file, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
            byte[] b = System.Text.Encoding.UTF8.GetBytes(w.Value);
            fs.Write(b, 0, b.Length);
        }
        catch (FileNotFoundException)
        {
            throw new CgroupException($"{w.Source}: {file} does not exist: the kernel has no such cgroup file{(w.Controller is { } c ? $" (or the {c} controller is not enabled for this cgroup)" : "")}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CgroupException($"{w.Source}: write \"{w.Value}\" to {file}: {e.Message}", e);
        }
    }

    /// <summary>pause: freeze every process of the container and wait until they are frozen.</summary>
    public void Freeze() => CgroupFreezer.Freeze(Dir, TimeSpan.FromSeconds(10));

    /// <summary>resume.</summary>
    public void Thaw() => CgroupFreezer.Thaw(Dir, TimeSpan.FromSeconds(10));

    /// <summary>Host pids of every process in the cgroup and its sub-cgroups.</summary>
    public List<int> Pids() => CgroupProcs.All(Dir);

    public CgroupStats Stats() => CgroupStats.Read(Dir);

    /// <summary>SIGKILLs every process below the cgroup at once with cgroup.kill (Linux 5.14+); false if the kernel lacks it.</summary>
    public static bool KillAll(string dir)
    {
        string kill = System.IO.Path.Combine(dir, "cgroup.kill");
        if (!File.Exists(kill)) return false;
        try { File.WriteAllText(kill, "1"); return true; }
        catch (IOException) { return false; }
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
                // Sub-cgroups first (exec --cgroup joins them; a container may make its own), as
                // runc's RemovePath does: a cgroup with children cannot be removed.
                foreach (string sub in Directory.EnumerateDirectories(dir, "*", SearchOption.AllDirectories)
                             .OrderByDescending(d => d.Length).ToList())
                    if (Directory.Exists(sub)) Directory.Delete(sub);
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
