using System.Runtime.InteropServices;

namespace OciRuntime.Conformance;

/// <summary>
/// A private, writable copy of the busybox rootfs (BusyboxRootfs) for one test, which the test may make
/// hostile (symlinks to the host's /, `..` games, swapped directories) or create files in. Lives under the
/// test container's scratch dir, so Container.Dispose removes it.
/// </summary>
public static partial class HostileRootfs
{
    /// <summary>Copies the shared busybox rootfs to dir (cp -a keeps the applet symlinks) and returns dir.</summary>
    public static string CopyTo(string dir)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(dir)!);
        ProcessRunner.Run("/bin/cp", ["-a", BusyboxRootfs.Path, dir]).ShouldSucceed();
        return dir;
    }

    /// <summary>A fresh rootfs copy at &lt;container dir&gt;/rootfs, used by the bundle (root.readonly as given).</summary>
    public static string UseCopy(Container c, bool readOnly = false)
    {
        string root = CopyTo(Path.Combine(c.Dir, "rootfs"));
        c.Configure(b => b.Config["root"] = new System.Text.Json.Nodes.JsonObject { ["path"] = root, ["readonly"] = readOnly });
        return root;
    }

    const int AT_FDCWD = -100;
    const uint RENAME_EXCHANGE = 2;

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int renameat2(int olddirfd, string oldpath, int newdirfd, string newpath, uint flags);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int mount(string? source, string target, string? fstype, ulong flags, string? data);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int umount2(string target, int flags);

    /// <summary>Atomically exchanges two paths (renameat2 RENAME_EXCHANGE): a dir and a symlink trade places.</summary>
    public static void Exchange(string a, string b)
    {
        if (renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE) != 0)
            throw new IOException($"renameat2({a}, {b}, RENAME_EXCHANGE): errno {Marshal.GetLastPInvokeError()}");
    }

    public const ulong MS_REC = 0x4000, MS_SHARED = 1 << 20, MS_PRIVATE = 1 << 18;

    /// <summary>Mounts a tmpfs on the host at target (for tests that need a submount or a shared source).</summary>
    public static void HostTmpfs(string target, ulong propagation = 0)
    {
        Directory.CreateDirectory(target);
        if (mount("tmpfs", target, "tmpfs", 0, "size=1m") != 0)
            throw new IOException($"mount tmpfs on {target}: errno {Marshal.GetLastPInvokeError()}");
        if (propagation != 0 && mount(null, target, null, propagation, null) != 0)
            throw new IOException($"mount --make-* {target}: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>Lazily unmounts a host mount made by HostTmpfs (best effort).</summary>
    public static void HostUnmount(string target) => umount2(target, 2 /* MNT_DETACH */);
}

/// <summary>
/// The CVE-2021-30465 attacker: a thread that keeps exchanging two paths (a real directory and a symlink to
/// the host's /) with RENAME_EXCHANGE until disposed, so that any check-then-use of the path by the runtime
/// sees one and mounts on the other.
/// </summary>
public sealed class SymlinkSwapper : IDisposable
{
    readonly Thread _thread;
    volatile bool _stop;
    public long Swaps;
    public long Errors;

    public SymlinkSwapper(string a, string b)
    {
        _thread = new Thread(() =>
        {
            while (!_stop)
            {
                try
                {
                    HostileRootfs.Exchange(a, b);
                    Interlocked.Increment(ref Swaps);
                }
                catch (IOException)
                {
                    // e.g. EBUSY while one of them is a mountpoint somewhere: keep attacking.
                    Interlocked.Increment(ref Errors);
                    Thread.Yield();
                }
            }
        }) { IsBackground = true, Name = "symlink-swapper" };
        _thread.Start();
    }

    public void Dispose()
    {
        _stop = true;
        _thread.Join(TimeSpan.FromSeconds(5));
    }
}
