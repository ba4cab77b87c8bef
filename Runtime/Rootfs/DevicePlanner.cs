using System.Collections.Generic;
using OciRuntime.Native.Interop;
using OciRuntime.Native.Plan;
using OciRuntime.Spec.Config;

namespace OciRuntime.Rootfs;

/// <summary>
/// config-linux.md "Default Devices" and "Devices": device nodes in the container's /dev, made
/// with mknod, or bind-mounted from the host inside a user namespace where mknod is not allowed.
/// </summary>
public sealed class DevicePlanner
{
    private static readonly (string Name, uint Major, uint Minor)[] Defaults =
    {
        ("null", 1, 3), ("zero", 1, 5), ("full", 1, 7), ("random", 1, 8), ("urandom", 1, 9), ("tty", 5, 0),
    };

    private static readonly (string Name, string Target)[] Links =
    {
        ("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"), ("stdout", "/proc/self/fd/1"),
        ("stderr", "/proc/self/fd/2"), ("ptmx", "pts/ptmx"),
    };

    private readonly ProcessPlan _plan;
    private readonly SafePath _paths;
    private readonly bool _bindFromHost;
    private readonly bool _hasKcore;
    private readonly PlanSlot _dir;
    private readonly PlanSlot _node;

    public DevicePlanner(ProcessPlan plan, SafePath paths, bool bindFromHost, bool hostHasKcore)
    {
        _hasKcore = hostHasKcore;
        _plan = plan;
        _paths = paths;
        _bindFromHost = bindFromHost;
        _dir = plan.NewSlot();
        _node = plan.NewSlot();
    }

    public static ulong MakeDev(ulong major, ulong minor) =>
        ((major & 0xfffff000UL) << 32) | ((major & 0xfffUL) << 8) | ((minor & 0xffffff00UL) << 12) | (minor & 0xffUL);

    /// <summary>The default nodes and /dev symlinks, for a /dev the container got fresh (tmpfs).</summary>
    public void EmitDefaults(List<LinuxDevice>? configured)
    {
        _paths.EnsureAndOpen("/dev", true, _dir, "/dev");
        foreach (var (name, major, minor) in Defaults)
        {
            if (configured is not null && configured.Exists(d => MountPlanner.Normalize(d.Path) == "/dev/" + name)) continue;
            EmitNode(name, 'c', major, minor, 0x1b6 /* 0666 */, 0, 0, $"/dev/{name}");
        }
        foreach (var (name, target) in Links)
            _plan.Syscall(Nr.symlinkat, $"create symlink /dev/{name}", PlanArg.Str(target), PlanArg.Slot(_dir), PlanArg.Str(name)).Tolerate(Errno.EEXIST);
        if (_hasKcore)
            _plan.Syscall(Nr.symlinkat, "create symlink /dev/core", PlanArg.Str("/proc/kcore"), PlanArg.Slot(_dir), PlanArg.Str("core")).Tolerate(Errno.EEXIST);
        _plan.Syscall(Nr.close, "close /dev", PlanArg.Slot(_dir));
    }

    /// <summary>linux.devices: each node under its (created) parent directory.</summary>
    public void EmitConfigured(IReadOnlyList<LinuxDevice>? devices)
    {
        if (devices is null) return;
        for (int i = 0; i < devices.Count; i++)
        {
            LinuxDevice d = devices[i];
            var parts = SafePath.Components(d.Path);
            if (parts.Count == 0) continue;
            string parent = "/" + string.Join('/', parts.GetRange(0, parts.Count - 1));
            _paths.EnsureAndOpen(parent, true, _dir, $"parent of {d.Path} (linux.devices[{i}])");
            char type = d.Type.Length > 0 ? d.Type[0] : 'c';
            EmitNode(parts[^1], type, (ulong)(d.Major ?? 0), (ulong)(d.Minor ?? 0), (d.FileMode ?? 0x1b6) & 0xfff, d.Uid ?? 0, d.Gid ?? 0, $"{d.Path} (linux.devices[{i}])");
            _plan.Syscall(Nr.close, "close a path fd", PlanArg.Slot(_dir));
        }
    }

    private void EmitNode(string name, char type, ulong major, ulong minor, uint mode, uint uid, uint gid, string what)
    {
        if (_bindFromHost)
        {
            // In a user namespace mknod fails (EPERM): bind the host's node over an empty file.
            _plan.Syscall(Nr.mknodat, $"create mount point for {what}", PlanArg.Slot(_dir), PlanArg.Str(name), (long)(FileType.S_IFREG | 0x1b6), 0L).Tolerate(Errno.EEXIST);
            _plan.Syscall(Nr.openat, $"open mount point for {what}", PlanArg.Slot(_dir), PlanArg.Str(name), (long)(O.PATH | O.NOFOLLOW | O.CLOEXEC)).Into(_node);
            _plan.Syscall(Nr.mount, $"bind host device onto {what}", PlanArg.Str(HostPathFor(name)), PlanArg.FdPath(_node), PlanArg.Null, (long)MountFlags.BIND, PlanArg.Null);
            _plan.Syscall(Nr.close, "close a path fd", PlanArg.Slot(_node));
            return;
        }
        uint fileType = type switch { 'b' => FileType.S_IFBLK, 'p' => FileType.S_IFIFO, _ => FileType.S_IFCHR };
        ulong dev = type == 'p' ? 0 : MakeDev(major, minor);
        _plan.Syscall(Nr.mknodat, $"create device {what} (mknod)", PlanArg.Slot(_dir), PlanArg.Str(name), (long)(fileType | mode), (long)dev)
            .Tolerate(Errno.EEXIST);
        if (uid != 0 || gid != 0)
            _plan.Syscall(Nr.fchownat, $"chown device {what}", PlanArg.Slot(_dir), PlanArg.Str(name), (long)uid, (long)gid, (long)AtFlags.SYMLINK_NOFOLLOW);
    }

    private static string HostPathFor(string name) => "/dev/" + name;
}
