using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using OciRuntime.Errors;
using OciRuntime.Native.Interop;
using OciRuntime.Spec.Config;
using OciRuntime.State;

namespace OciRuntime.Notify;

/// <summary>
/// sd_notify through the runtime, as runc 1.1.5 does it. The caller (systemd with Type=notify, or a
/// manager that acts like it) sets NOTIFY_SOCKET, or passes --notify-socket. `create` makes
/// &lt;root&gt;/&lt;id&gt;/notify/, bind-mounts it read-only at /run/notify and tells the container
/// NOTIFY_SOCKET=/run/notify/notify.sock. The socket is bound by `start` (by `run` during its
/// create), before the process is released; `start` then waits for the container's READY= (or
/// its death: no wait outlives the init) and passes READY=1 and MAINPID=&lt;host pid&gt; on.
/// </summary>
public sealed unsafe class NotifySocket : IDisposable
{
    public const string ContainerDir = "/run/notify";
    public const string SocketName = "notify.sock";
    public const string ContainerSocket = ContainerDir + "/" + SocketName;

    private readonly string _host;
    private int _fd;

    private NotifySocket(string host, int fd)
    {
        _host = host;
        _fd = fd;
    }

    /// <summary>--notify-socket, else $NOTIFY_SOCKET; null when neither is set (nothing to do).</summary>
    public static string? HostAddress(string? flag)
    {
        if (!string.IsNullOrEmpty(flag)) return flag;
        string? env = Environment.GetEnvironmentVariable("NOTIFY_SOCKET");
        return string.IsNullOrEmpty(env) ? null : env;
    }

    public static string Dir(StateStore store, string id) => Path.Combine(store.Root, id, "notify");

    /// <summary>create: the directory in the state dir, the read-only bind and the container's NOTIFY_SOCKET.</summary>
    public static void Prepare(StateStore store, string id, OciConfig config)
    {
        string dir = Dir(store, id);
        Directory.CreateDirectory(dir);
        // The container's processes, whatever their uid, must be able to reach the socket.
        File.SetUnixFileMode(dir, (UnixFileMode)0b111_101_101);
        config.Mounts ??= new List<MountSpec>();
        config.Mounts.Add(new MountSpec
        {
            Destination = ContainerDir,
            Type = "bind",
            Source = dir,
#if OCI_WEAKEN_NOTIFY_RO
            Options = new List<string> { "bind", "nosuid", "noexec", "nodev" },
#else
            // Read-only: the container may send to the socket, never replace it or fill the state dir.
            Options = new List<string> { "bind", "nosuid", "noexec", "nodev", "ro" },
#endif
        });
        if (config.Process is { } p)
        {
            p.Env ??= new List<string>();
            p.Env.Add("NOTIFY_SOCKET=" + ContainerSocket);
        }
    }

    /// <summary>start (run: during create): binds &lt;root&gt;/&lt;id&gt;/notify/notify.sock, mode 0777 as runc's.</summary>
    public static NotifySocket Bind(StateStore store, string id, string host)
    {
        string path = Path.Combine(Dir(store, id), SocketName);
        int fd = Sys.Socket(Sock.AF_UNIX, Sock.SOCK_DGRAM | Sock.SOCK_CLOEXEC, 0);
        if (fd < 0) throw new SyscallException("notify socket: socket(AF_UNIX, SOCK_DGRAM)", Sys.LastErrno);
        try
        {
            File.Delete(path);
            if (WithAddress(path, (a, len) => Sys.Bind(fd, a, len)) is int e)
                throw new SyscallException($"notify socket: bind {path}", e);
            File.SetUnixFileMode(path, (UnixFileMode)0b111_111_111);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Sys.Close(fd);
            throw new RuntimeException($"notify socket: {path}: {ex.Message}");
        }
        catch
        {
            Sys.Close(fd);
            throw;
        }
        return new NotifySocket(host, fd);
    }

    /// <summary>
    /// Waits for a datagram starting with READY= from the container, or for <paramref name="initPid"/>
    /// to die (checked every 100 ms, as runc does); on READY forwards the line and MAINPID=<paramref name="mainPid"/>.
    /// </summary>
    public void WaitAndForward(int initPid, ulong initStartTime, int mainPid)
    {
        byte[] buf = new byte[4096];
        var pfd = new PollFd { Fd = _fd, Events = 0x1 /* POLLIN */ };
        var tick = new TimeSpec { Sec = 0, NSec = 100_000_000 };
        while (true)
        {
            int n = Sys.PPoll(&pfd, 1, &tick, null);
            if (n < 0 && Sys.LastErrno != Errno.EINTR) throw new SyscallException("notify socket: poll", Sys.LastErrno);
            if (n > 0)
            {
                nint got;
                fixed (byte* b = buf) got = Sys.Read(_fd, b, (nuint)buf.Length);
                if (got > 0 && ReadyLine(Encoding.UTF8.GetString(buf, 0, (int)got)) is string ready)
                {
                    Send(ready + "\n");
                    Send("MAINPID=" + mainPid.ToString(CultureInfo.InvariantCulture) + "\n");
                    return;
                }
                continue;
            }
            if (!ProcessIdentity.IsAlive(initPid, initStartTime)) return;
        }
    }

    /// <summary>runc forwards the first line of a datagram that starts with READY=; other states are dropped.</summary>
    public static string? ReadyLine(string datagram)
    {
        if (!datagram.StartsWith("READY=", StringComparison.Ordinal)) return null;
        int nl = datagram.IndexOf('\n');
        return nl < 0 ? datagram : datagram.Substring(0, nl);
    }

    private void Send(string message)
    {
        int fd = Sys.Socket(Sock.AF_UNIX, Sock.SOCK_DGRAM | Sock.SOCK_CLOEXEC, 0);
        if (fd < 0) throw new SyscallException("notify socket: socket(AF_UNIX, SOCK_DGRAM)", Sys.LastErrno);
        try
        {
            if (WithAddress(_host, (a, len) => Sys.Connect(fd, a, len)) is int e)
                throw new SyscallException($"notify socket: connect to NOTIFY_SOCKET {_host}", e);
            byte[] b = Encoding.UTF8.GetBytes(message);
            fixed (byte* p = b)
                if (Sys.Write(fd, p, (nuint)b.Length) < 0)
                    throw new SyscallException($"notify socket: send to NOTIFY_SOCKET {_host}", Sys.LastErrno);
        }
        finally { Sys.Close(fd); }
    }

    private delegate int AddressUser(byte* addr, uint length);

    /// <summary>Builds a sockaddr_un (a leading '@' is the abstract namespace, as systemd writes it); returns null or the errno.</summary>
    private static int? WithAddress(string path, AddressUser use)
    {
        byte[] p = Encoding.UTF8.GetBytes(path);
        if (p.Length == 0 || p.Length >= 108) return Errno.ENAMETOOLONG;
        bool isAbstract = p[0] == (byte)'@';
        if (isAbstract) p[0] = 0;
        byte* addr = stackalloc byte[110];
        for (int i = 0; i < 110; i++) addr[i] = 0;
        addr[0] = (byte)Sock.AF_UNIX;
        for (int i = 0; i < p.Length; i++) addr[2 + i] = p[i];
        uint length = (uint)(2 + p.Length + (isAbstract ? 0 : 1));
        return use(addr, length) < 0 ? Sys.LastErrno : null;
    }

    public void Dispose()
    {
        if (_fd >= 0) Sys.Close(_fd);
        _fd = -1;
    }
}
