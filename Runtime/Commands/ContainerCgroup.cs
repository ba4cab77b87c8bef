using System;
using OciRuntime.Cgroups;
using OciRuntime.Errors;
using OciRuntime.State;

namespace OciRuntime.Commands;

/// <summary>
/// What pause, resume, update, events and ps share: load a container, require its cgroup, and
/// report cgroup failures as runtime errors (one line, exit 1).
/// </summary>
public static class ContainerCgroup
{
    /// <summary>Loads the container (runc's "does not exist" if absent) without creating a lock file for a missing id.</summary>
    public static ContainerRecord Load(StateStore store, string id)
    {
        if (!store.Exists(id)) throw RuntimeException.NotExists(id);
        return store.Load(id);
    }

    public static string Dir(ContainerRecord r) =>
        r.CgroupPath ?? throw new RuntimeException($"container \"{r.Id}\" has no cgroup (it was created without one, e.g. --cgroup-manager=disabled or no cgroup v2 mount)");

    public static CgroupV2Manager Manager(ContainerRecord r)
    {
        string dir = Dir(r);
        string? mount = CgroupMount.FindUnified();
        if (mount is null || !dir.StartsWith(mount.TrimEnd('/') + "/", StringComparison.Ordinal))
            throw new RuntimeException($"container \"{r.Id}\": its cgroup {dir} is not under the cgroup v2 mount ({mount ?? "none found in /proc/self/mountinfo"})");
        return new CgroupV2Manager(mount, dir.Substring(mount.TrimEnd('/').Length));
    }

    /// <summary>
    /// update: through the driver that made the cgroup. A systemd scope gets its unit properties
    /// changed first (systemd rewrites its own attributes from them), then the same file writes.
    /// </summary>
    /// <returns>The warning about weights left out (SoftWeights), or null.</returns>
    public static string? Update(ContainerRecord r, Spec.Config.LinuxResources resources)
    {
        CgroupV2Manager cg = Manager(r);
        string? skipped = null;
        if (r.SystemdUnit is { } unit) Run(() => skipped = Cgroups.Systemd.SystemdScope.Update(unit, cg, resources));
        else Run(() => skipped = cg.Update(resources));
        return skipped;
    }

    /// <summary>
    /// pause and resume: under the id lock, check the status runc requires (its message otherwise),
    /// then freeze or thaw the cgroup and wait until the kernel reports it done.
    /// </summary>
    public static void ChangeFreezer(StateStore store, string id, Func<ContainerStatus, bool> allowed, string notAllowedMessage, Action<string, TimeSpan> change)
    {
        using IdLock idLock = IdLock.AcquireExisting(store, id);
        ContainerRecord r = store.Load(id);
        if (!allowed(ContainerStatusReader.Read(store, r))) throw new RuntimeException(notAllowedMessage);
        string dir = Dir(r);
        Run(() => change(dir, TimeSpan.FromSeconds(10)));
    }

    /// <summary>Runs a cgroup operation, turning its failures into one-line runtime errors.</summary>
    public static void Run(Action a)
    {
        try { a(); }
        catch (CgroupException e) { throw new RuntimeException(e.Message, e); }
    }
}
