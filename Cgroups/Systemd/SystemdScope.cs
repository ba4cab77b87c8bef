using System;
using System.Collections.Generic;
using OciRuntime.Spec.Config;

namespace OciRuntime.Cgroups.Systemd;

/// <summary>
/// The systemd driver (--systemd-cgroup, as runc's): the container's cgroup is the transient
/// scope "prefix-name.scope" in the configured slice, created by systemd with the init as its
/// only process (StartTransientUnit with PIDs = [init], Delegate = yes, the resources as unit
/// properties), while the init still waits for its first GO. The resources are then also written
/// to the scope's files exactly as the cgroupfs driver writes them, which covers everything
/// systemd has no property for and installs the device filter. Delete stops the unit.
/// </summary>
public sealed class SystemdScope : IContainerCgroupDriver
{
    private readonly SystemdUnitName _name;
    private readonly string _id;
    private readonly CgroupV2Manager _files;
    private readonly IReadOnlyDictionary<string, string>? _annotations;
    private bool _started;
    private bool _deviceFilter = true;

    private SystemdScope(SystemdUnitName name, string id, CgroupV2Manager files, IReadOnlyDictionary<string, string>? annotations)
    {
        _name = name;
        _id = id;
        _files = files;
        _annotations = annotations;
    }

    /// <param name="annotations">The config's annotations: org.systemd.property.* become unit properties (<see cref="AnnotationProperties"/>).</param>
    public static SystemdScope? ForContainer(string? cgroupsPath, string id, IReadOnlyDictionary<string, string>? annotations = null)
    {
        SystemdUnitName name = SystemdUnitName.Parse(cgroupsPath, id, SystemdManager.DefaultSlice);
        string? mount = CgroupMount.FindUnified();
        if (mount is null) return null;
        // A user manager's slices live under its own service's cgroup, which only it can tell.
        string root = SystemdManager.IsUser ? SystemdBus.Shared(name.Unit).ManagerControlGroup(name.Unit).TrimEnd('/') : "";
        return new SystemdScope(name, id, new CgroupV2Manager(mount, root + name.CgroupPath), annotations);
    }

    public string Dir => _files.Dir;
    public string SystemdUnit => _name.Unit;
    string? IContainerCgroupDriver.SystemdUnit => _name.Unit;
    public bool ClonesInto => false;

    /// <summary>Nothing exists before the init does (systemd refuses a scope without processes): validate only.</summary>
    public string? Prepare(LinuxResources? resources, bool deviceFilter = true)
    {
        _deviceFilter = deviceFilter;
        UnitProperties.ForResources(ResourceWriter.Plan(resources));
        AnnotationProperties.From(_annotations);
        DeviceRule.ForContainer(resources?.Devices);
        return null;
    }

    public void Place(int pid, LinuxResources? resources)
    {
        List<UnitProperty> props = UnitProperties.ForScope(_name.Slice, "oci-runtime container " + _id, pid, resources);
        props.AddRange(AnnotationProperties.From(_annotations));
        _started = true; // from here on a failed create stops (and resets) the unit
        SystemdBus bus = SystemdBus.Shared(_name.Unit);
        try
        {
            bus.StartTransientUnit(_name.Unit, props);
        }
        catch (SystemdCallException e) when (e.ErrorName == "org.freedesktop.systemd1.UnitExists")
        {
            // A failed unit of the same name that systemd keeps until reset (runc retries once too).
            bus.ResetFailedUnit(_name.Unit);
            bus.StartTransientUnit(_name.Unit, props);
        }
        _files.Apply(resources, _deviceFilter);
    }

    /// <summary>A failed create: best effort, so the create's own error is the one reported.</summary>
    public void Destroy(TimeSpan timeout)
    {
        if (!_started)
        {
            CgroupV2Manager.DestroyDir(Dir, timeout);
            return;
        }
        try { Stop(_name.Unit, Dir, timeout); }
        catch (System.IO.IOException) { }
    }

    /// <summary>
    /// delete, as runc's: kill what is left in the scope, stop the unit (and reset it if it
    /// failed), remove the directory if systemd has not already; all within <paramref name="timeout"/>,
    /// past which the error names the unit and the call that did not finish.
    /// </summary>
    public static void Stop(string unit, string dir, TimeSpan timeout)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        CgroupV2Manager.KillAll(dir);
        while (CgroupProcs.All(dir).Count > 0 && DateTime.UtcNow < deadline) System.Threading.Thread.Sleep(5);
        // A scope systemd already stopped and collected answers NoSuchUnit; one it is still
        // stopping gets a job that ends with it.
        SystemdBus.Shared(unit).StopUnit(unit, Left(deadline));
        CgroupV2Manager.DestroyDir(dir, Left(deadline));
    }

    private static TimeSpan Left(DateTime deadline)
    {
        TimeSpan left = deadline - DateTime.UtcNow;
        return left > TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1);
    }

    /// <summary>update: the unit's properties first (systemd rewrites its files from them), then the files.</summary>
    public static string? Update(string unit, CgroupV2Manager files, LinuxResources resources)
    {
        List<UnitProperty> props = UnitProperties.ForResources(ResourceWriter.Plan(resources));
        if (props.Count > 0)
        {
            SystemdBus.Shared(unit).SetUnitProperties(unit, props);
        }
        return files.Update(resources);
    }
}
