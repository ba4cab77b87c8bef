using System;
using System.Collections.Generic;
using OciRuntime.Native.Interop;
using OciRuntime.Native.Plan;

namespace OciRuntime.Rootfs;

/// <summary>
/// Emits the steps that resolve a container path inside the rootfs without ever leaving it:
/// every lookup is openat2(root, path, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS), so a symlink
/// or ".." in the attacker-owned rootfs resolves as if the rootfs were "/" (CVE-2021-30465
/// class). Missing components are created one at a time with mkdirat on the already-resolved
/// parent fd, which never follows a final symlink. The result is an O_PATH fd that later steps
/// mount onto through /proc/self/fd/N, so a path swapped after resolution cannot redirect them.
/// </summary>
public sealed class SafePath
{
    private const ulong InRoot = Resolve.IN_ROOT | Resolve.NO_MAGICLINKS;
    private readonly ProcessPlan _plan;
    private readonly PlanSlot _root;
    private readonly PlanSlot _walkA;
    private readonly PlanSlot _walkB;

    public SafePath(ProcessPlan plan, PlanSlot root)
    {
        _plan = plan;
        _root = root;
        _walkA = plan.NewSlot();
        _walkB = plan.NewSlot();
    }

    public PlanSlot Root => _root;

    /// <summary>Splits "/a/./b//c/" into [a, b, c]; ".." stays (openat2 clamps it at the root).</summary>
    public static List<string> Components(string containerPath)
    {
        var parts = new List<string>();
        foreach (string p in containerPath.Split('/', StringSplitOptions.RemoveEmptyEntries))
            if (p != ".") parts.Add(p);
        return parts;
    }

    public static string Relative(List<string> parts, int count) => count == 0 ? "." : string.Join('/', parts.GetRange(0, count));

    /// <summary>Opens an existing path (O_PATH) into <paramref name="into"/>; returns the step so callers can tolerate ENOENT.</summary>
    public PlanStep Open(string containerPath, PlanSlot into, string what) => OpenWith(containerPath, into, what, O.PATH);

    /// <summary>Opens an existing path with <paramref name="flags"/> (e.g. O_WRONLY for a /proc/sys file).</summary>
    public PlanStep OpenWith(string containerPath, PlanSlot into, string what, int flags)
    {
        List<string> parts = Components(containerPath);
        return _plan.Syscall(Nr.openat2, $"open {what} inside the rootfs",
            PlanArg.Slot(_root), PlanArg.Str(Relative(parts, parts.Count)),
            PlanArg.Data(PlanStructs.OpenHow((ulong)(flags | O.CLOEXEC), 0, InRoot)), 24L).Into(into);
    }

    /// <summary>
    /// Creates every missing directory of <paramref name="containerPath"/> (and the final entry as a
    /// directory or an empty file), then opens it O_PATH into <paramref name="into"/>. With
    /// <paramref name="ordinaryDirectory"/> no symlink may appear anywhere on the way and the end
    /// must be a directory (runc's rule for proc and sysfs): the open fails with ELOOP or ENOTDIR
    /// and <paramref name="hint"/> says why, instead of following a link the image planted.
    /// </summary>
    public void EnsureAndOpen(string containerPath, bool isDirectory, PlanSlot into, string what, bool ordinaryDirectory = false, string? hint = null)
    {
        ulong resolve = InRoot;
#if !OCI_WEAKEN_PROC_MOUNT_RULES
        if (ordinaryDirectory) resolve |= Resolve.NO_SYMLINKS;
#endif
        List<string> parts = Components(containerPath);
        PlanSlot parent = _root;
        bool parentIsWalkSlot = false;
        for (int i = 0; i < parts.Count; i++)
        {
            bool last = i == parts.Count - 1;
            string name = parts[i];
            if (name == "..")
            {
                // Never create "..": resolve it (clamped at the root) and continue from there.
            }
            else if (last && !isDirectory)
            {
                _plan.Syscall(Nr.mknodat, $"create {what}", PlanArg.Slot(parent), PlanArg.Str(name), (long)(FileType.S_IFREG | 0x1a4 /* 0644 */), 0L)
                    .Tolerate(Errno.EEXIST);
            }
            else
            {
                _plan.Syscall(Nr.mkdirat, $"create directory /{Relative(parts, i + 1)} for {what}", PlanArg.Slot(parent), PlanArg.Str(name), 0x1edL /* 0755 */)
                    .Tolerate(Errno.EEXIST);
            }

            PlanSlot next = last ? into : (parent.Index == _walkA.Index ? _walkB : _walkA);
            int dirFlag = last && !isDirectory ? 0 : O.DIRECTORY;
            PlanStep open = _plan.Syscall(Nr.openat2, last ? $"open {what} inside the rootfs" : $"open /{Relative(parts, i + 1)} inside the rootfs for {what}",
                PlanArg.Slot(_root), PlanArg.Str(Relative(parts, i + 1)),
                PlanArg.Data(PlanStructs.OpenHow((ulong)(O.PATH | O.CLOEXEC | dirFlag), 0, resolve)), 24L).Into(next);
            if (hint is not null) open.WithHint(hint);
            if (parentIsWalkSlot) _plan.Syscall(Nr.close, "close a path fd", PlanArg.Slot(parent));
            parent = next;
            parentIsWalkSlot = !last;
        }
        if (parts.Count == 0)
        {
            _plan.Syscall(Nr.openat2, $"open {what} inside the rootfs", PlanArg.Slot(_root), PlanArg.Str("."),
                PlanArg.Data(PlanStructs.OpenHow((ulong)(O.PATH | O.CLOEXEC | O.DIRECTORY), 0, InRoot)), 24L).Into(into);
        }
    }
}
