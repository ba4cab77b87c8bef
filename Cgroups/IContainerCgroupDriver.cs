using System;
using OciRuntime.Spec.Config;

namespace OciRuntime.Cgroups;

/// <summary>
/// How `create` gets the container its cgroup: the cgroupfs driver (<see cref="CgroupfsDriver"/>,
/// the default) makes the directory itself and clones the init straight into it; the systemd
/// driver (<see cref="Systemd.SystemdScope"/>, --systemd-cgroup) has systemd create a transient
/// scope holding the init. Everything after create (pause, update, events, ps, kill --all, exec)
/// works on the directory either way; delete also stops the systemd unit.
/// </summary>
public interface IContainerCgroupDriver
{
    /// <summary>The cgroup's absolute directory (recorded in the container's state).</summary>
    string Dir { get; }

    /// <summary>The systemd unit that owns <see cref="Dir"/>, or null (recorded in the state for delete and update).</summary>
    string? SystemdUnit { get; }

    /// <summary>
    /// Before the init is cloned: create and configure what can be, validate the rest. Returns the
    /// warning about weights left out (<see cref="SoftWeights"/>), or null.
    /// </summary>
    /// <param name="deviceFilter">false in rootless mode (no eBPF device program: see CgroupV2Manager.Apply).</param>
    string? Prepare(LinuxResources? resources, bool deviceFilter = true);

    /// <summary>True if the init can be cloned straight into <see cref="Dir"/> (CLONE_INTO_CGROUP).</summary>
    bool ClonesInto { get; }

    /// <summary>The init exists and waits for its first GO: put it in the cgroup (and, for systemd, apply the resources).</summary>
    void Place(int pid, LinuxResources? resources);

    /// <summary>A failed create: remove everything <see cref="Prepare"/> and <see cref="Place"/> made.</summary>
    void Destroy(TimeSpan timeout);
}
