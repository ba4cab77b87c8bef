using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using OciRuntime.Errors;
using OciRuntime.Native.Interop;

namespace OciRuntime.State;

/// <summary>
/// The state directory: <c>&lt;root&gt;/&lt;id&gt;/state.json</c> plus <c>exec.fifo</c> while the
/// container waits for start. state.json is replaced atomically (temp file, rename or exchange), so a reader
/// sees the old or the new record, never a torn one. No fsync: state under /run does not outlive
/// the host, and a rename is atomic without one (an fsync cost ~1 ms per `run` on a disk-backed root).
/// </summary>
public sealed class StateStore
{
    public const string StateFile = "state.json";
    public const string ExecFifo = "exec.fifo";

    public string Root { get; }

    public StateStore(string root)
    {
        Root = root;
    }

    public string Dir(string id) => Path.Combine(Root, id);
    public string FifoPath(string id) => Path.Combine(Dir(id), ExecFifo);

    public void EnsureRoot()
    {
        try { Directory.CreateDirectory(Root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RuntimeException($"cannot create state root {Root}: {e.Message}");
        }
    }

    /// <summary>
    /// A --root that exists must be a directory (runc: "mkdir ROOT: not a directory"). Otherwise
    /// `list` reported no containers and `state` said "does not exist" for a typo'd or clobbered root.
    /// A missing root is fine: create makes it, and every other command finds no container there.
    /// </summary>
    public static void CheckRoot(string root)
    {
#if !OCI_WEAKEN_ROOT_CHECK
        FileIdentity? st = FileIdentity.OfPath(root, followSymlinks: true, out int errno);
        if (st is { IsDirectory: false })
            throw new RuntimeException($"--root {root}: not a directory (give a directory, or a path that does not exist yet)");
        if (st is null && errno == Errno.ENOTDIR)
            throw new RuntimeException($"--root {root}: {Sys.ErrnoText(errno)} (a parent of the path is a file)");
#endif
    }

    public bool Exists(string id) => File.Exists(Path.Combine(Dir(id), StateFile)) || Directory.Exists(Dir(id));

    /// <summary>Makes the state dir of a new container; the caller holds the id lock.</summary>
    public void CreateDir(string id)
    {
        string dir = Dir(id);
        if (Directory.Exists(dir)) throw new RuntimeException($"container \"{id}\" already exists");
        Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public ContainerRecord? TryLoad(string id)
    {
        string path = Path.Combine(Dir(id), StateFile);
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (FileNotFoundException) { return null; }
        catch (DirectoryNotFoundException) { return null; }
        try
        {
            return ContainerRecordJson.Deserialize(bytes);
        }
        catch (Exception e) when (e is JsonException or System.InvalidOperationException or System.FormatException)
        {
            throw new RuntimeException($"state of container \"{id}\" is corrupt ({path}): {e.Message}");
        }
    }

    public ContainerRecord Load(string id) => TryLoad(id) ?? throw RuntimeException.NotExists(id);

    public void Save(ContainerRecord record)
    {
        string dir = Dir(record.Id);
        string tmp = Path.Combine(dir, $".{StateFile}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        byte[] bytes = ContainerRecordJson.Serialize(record);
        WriteNew(tmp, bytes);
        string target = Path.Combine(dir, StateFile);
        // Exchange, then unlink the old record: ext4 (auto_da_alloc) starts writeback of the new
        // file's data when a rename replaces an existing file, block I/O in every save after the
        // first (~6% of a `run`'s samples in perf), which an exchange does not trigger. Readers
        // still see the old or the new record whole. ENOENT (the first save) or a filesystem without
        // RENAME_EXCHANGE: a plain rename.
        if (Sys.RenameAt2(AtFdCwd, tmp, AtFdCwd, target, RenameExchange) == 0)
        {
            File.Delete(tmp);
            return;
        }
        File.Move(tmp, target, overwrite: true);
    }

    /// <summary>
    /// A new file by open(O_CREAT|O_EXCL) and write(2). FileStream truncated it, and ext4 writes a
    /// truncated file back at close (auto_da_alloc): block I/O, then a synchronous discard when the
    /// record is replaced. Left to delayed allocation, a record replaced within seconds never
    /// reaches the disk.
    /// </summary>
    private static unsafe void WriteNew(string path, byte[] bytes)
    {
        int fd = Sys.Open(path, O.WRONLY | O.CREAT | O.EXCL | O.CLOEXEC, 0x1b6 /* 0666 & ~umask, as FileStream */);
        if (fd < 0) throw new RuntimeException($"cannot create {path}: {Sys.ErrnoText(Sys.LastErrno)}");
        try
        {
            fixed (byte* p = bytes)
            {
                int off = 0;
                while (off < bytes.Length)
                {
                    nint n = Sys.Write(fd, p + off, (nuint)(bytes.Length - off));
                    if (n < 0 && Sys.LastErrno == Errno.EINTR) continue;
                    if (n <= 0) throw new RuntimeException($"cannot write {path}: {Sys.ErrnoText(Sys.LastErrno)}");
                    off += (int)n;
                }
            }
        }
        catch
        {
            Sys.Close(fd);
            File.Delete(path);
            throw;
        }
        Sys.Close(fd);
    }

    private const int AtFdCwd = -100;
    private const uint RenameExchange = 2;

    public void Remove(string id)
    {
        string dir = Dir(id);
        try { Directory.Delete(dir, recursive: true); }
        catch (DirectoryNotFoundException) { }
    }

    /// <summary>Ids with a state dir, sorted; lock files and temp files are not containers.</summary>
    public List<string> ListIds()
    {
        var ids = new List<string>();
        if (!Directory.Exists(Root)) return ids;
        foreach (string d in Directory.EnumerateDirectories(Root))
        {
            string name = Path.GetFileName(d);
            if (ContainerId.IsValid(name)) ids.Add(name);
        }
        ids.Sort(StringComparer.Ordinal);
        return ids;
    }
}
