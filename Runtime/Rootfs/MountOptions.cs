using System;
using System.Collections.Generic;
using System.Text;
using OciRuntime.Native.Interop;

namespace OciRuntime.Rootfs;

/// <summary>
/// A mount's "options" split the way mount(8) and runc do: flags for mount(2), attributes for
/// mount_setattr(2) (recursive "r*" variants), propagation, and the rest as the data string.
/// </summary>
public sealed class MountOptions
{
    public ulong Flags { get; private set; }
    public ulong ClearFlags { get; private set; }
    public ulong Propagation { get; private set; }
    public ulong RecursiveAttrSet { get; private set; }
    public ulong RecursiveAttrClear { get; private set; }
    public bool IsBind => (Flags & MountFlags.BIND) != 0;
    public bool IsRecursiveBind => IsBind && (Flags & MountFlags.REC) != 0;
    public string Data { get; private set; } = "";
    /// <summary>"idmap" / "ridmap": the bind mount gets the mount's uid/gid mappings (recursively for ridmap).</summary>
    public bool Idmap { get; private set; }
    public bool RecursiveIdmap { get; private set; }
    public List<string> Unsupported { get; } = new();

    private static readonly Dictionary<string, (bool Clear, ulong Flag)> FlagTable = new()
    {
        ["defaults"] = (false, 0),
        ["ro"] = (false, MountFlags.RDONLY), ["rw"] = (true, MountFlags.RDONLY),
        ["nosuid"] = (false, MountFlags.NOSUID), ["suid"] = (true, MountFlags.NOSUID),
        ["nodev"] = (false, MountFlags.NODEV), ["dev"] = (true, MountFlags.NODEV),
        ["noexec"] = (false, MountFlags.NOEXEC), ["exec"] = (true, MountFlags.NOEXEC),
        ["sync"] = (false, MountFlags.SYNCHRONOUS), ["async"] = (true, MountFlags.SYNCHRONOUS),
        ["dirsync"] = (false, MountFlags.DIRSYNC),
        ["remount"] = (false, MountFlags.REMOUNT),
        ["mand"] = (false, MountFlags.MANDLOCK), ["nomand"] = (true, MountFlags.MANDLOCK),
        ["noatime"] = (false, MountFlags.NOATIME), ["atime"] = (true, MountFlags.NOATIME),
        ["nodiratime"] = (false, MountFlags.NODIRATIME), ["diratime"] = (true, MountFlags.NODIRATIME),
        ["relatime"] = (false, MountFlags.RELATIME), ["norelatime"] = (true, MountFlags.RELATIME),
        ["strictatime"] = (false, MountFlags.STRICTATIME), ["nostrictatime"] = (true, MountFlags.STRICTATIME),
        ["lazytime"] = (false, MountFlags.LAZYTIME), ["nolazytime"] = (true, MountFlags.LAZYTIME),
        ["nosymfollow"] = (false, MountFlags.NOSYMFOLLOW), ["symfollow"] = (true, MountFlags.NOSYMFOLLOW),
        ["silent"] = (false, MountFlags.SILENT), ["loud"] = (true, MountFlags.SILENT),
        ["iversion"] = (false, MountFlags.I_VERSION), ["noiversion"] = (true, MountFlags.I_VERSION),
        ["bind"] = (false, MountFlags.BIND), ["rbind"] = (false, MountFlags.BIND | MountFlags.REC),
    };

    private static readonly Dictionary<string, ulong> PropagationTable = new()
    {
        ["private"] = MountFlags.PRIVATE, ["rprivate"] = MountFlags.PRIVATE | MountFlags.REC,
        ["shared"] = MountFlags.SHARED, ["rshared"] = MountFlags.SHARED | MountFlags.REC,
        ["slave"] = MountFlags.SLAVE, ["rslave"] = MountFlags.SLAVE | MountFlags.REC,
        ["unbindable"] = MountFlags.UNBINDABLE, ["runbindable"] = MountFlags.UNBINDABLE | MountFlags.REC,
    };

    private static readonly Dictionary<string, (bool Clear, ulong Attr)> RecursiveTable = new()
    {
        ["rro"] = (false, NewMount.ATTR_RDONLY), ["rrw"] = (true, NewMount.ATTR_RDONLY),
        ["rnosuid"] = (false, NewMount.ATTR_NOSUID), ["rsuid"] = (true, NewMount.ATTR_NOSUID),
        ["rnodev"] = (false, NewMount.ATTR_NODEV), ["rdev"] = (true, NewMount.ATTR_NODEV),
        ["rnoexec"] = (false, NewMount.ATTR_NOEXEC), ["rexec"] = (true, NewMount.ATTR_NOEXEC),
        ["rnodiratime"] = (false, NewMount.ATTR_NODIRATIME), ["rdiratime"] = (true, NewMount.ATTR_NODIRATIME),
        ["rnosymfollow"] = (false, NewMount.ATTR_NOSYMFOLLOW), ["rsymfollow"] = (true, NewMount.ATTR_NOSYMFOLLOW),
    };

    /// <summary>Options runc accepts that carry no kernel meaning here.</summary>
    private static readonly HashSet<string> Ignored = new() { "tmpcopyup" };

    public static MountOptions Parse(IEnumerable<string>? options)
    {
        var m = new MountOptions();
        var data = new StringBuilder();
        if (options is null) return m;
        foreach (string o in options)
        {
            if (FlagTable.TryGetValue(o, out var f))
            {
                if (f.Clear) { m.Flags &= ~f.Flag; m.ClearFlags |= f.Flag; }
                else { m.Flags |= f.Flag; m.ClearFlags &= ~f.Flag; }
            }
            else if (PropagationTable.TryGetValue(o, out ulong p)) m.Propagation = p;
            else if (RecursiveTable.TryGetValue(o, out var r))
            {
                if (r.Clear) { m.RecursiveAttrClear |= r.Attr; m.RecursiveAttrSet &= ~r.Attr; }
                else { m.RecursiveAttrSet |= r.Attr; m.RecursiveAttrClear &= ~r.Attr; }
            }
            else if (o == "idmap") m.Idmap = true;
            else if (o == "ridmap") { m.Idmap = true; m.RecursiveIdmap = true; }
            else if (Ignored.Contains(o)) { }
            else
            {
                if (data.Length > 0) data.Append(',');
                data.Append(o);
            }
        }
        m.Data = data.ToString();
        return m;
    }

    /// <summary>The mount_setattr attributes that correspond to the plain (top-mount) flags.</summary>
    public (ulong Set, ulong Clear) TopAttributes()
    {
        ulong set = 0, clear = 0;
        void Map(ulong flag, ulong attr)
        {
            if ((Flags & flag) != 0) set |= attr;
            else if ((ClearFlags & flag) != 0) clear |= attr;
        }
        Map(MountFlags.RDONLY, NewMount.ATTR_RDONLY);
        Map(MountFlags.NOSUID, NewMount.ATTR_NOSUID);
        Map(MountFlags.NODEV, NewMount.ATTR_NODEV);
        Map(MountFlags.NOEXEC, NewMount.ATTR_NOEXEC);
        Map(MountFlags.NODIRATIME, NewMount.ATTR_NODIRATIME);
        Map(MountFlags.NOSYMFOLLOW, NewMount.ATTR_NOSYMFOLLOW);
        // Access-time modes are one field: changing it means clearing the whole _ATIME mask.
        if ((Flags & MountFlags.NOATIME) != 0) { set |= NewMount.ATTR_NOATIME; clear |= NewMount.ATTR__ATIME; }
        else if ((Flags & MountFlags.STRICTATIME) != 0) { set |= NewMount.ATTR_STRICTATIME; clear |= NewMount.ATTR__ATIME; }
        else if ((Flags & MountFlags.RELATIME) != 0) { clear |= NewMount.ATTR__ATIME; }
        return (set, clear);
    }

    /// <summary>Propagation as mount_setattr takes it (one of MS_SHARED/SLAVE/PRIVATE/UNBINDABLE).</summary>
    public ulong PropagationType => Propagation & ~MountFlags.REC;
}
