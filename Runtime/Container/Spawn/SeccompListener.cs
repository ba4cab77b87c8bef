using System.Collections.Generic;
using System.Text.Json;
using OciRuntime.Errors;
using OciRuntime.Native.Interop;
using OciRuntime.Spec.Config;
using OciRuntime.Spec.Json;
using OciRuntime.Spec.State;

namespace OciRuntime.Container;

/// <summary>
/// config-linux.md "Seccomp" listenerPath: the runtime connects to the unix socket and sends, in
/// one message, the container process state JSON (fds: ["seccompFd"], pid, metadata, state) with
/// the seccomp notify fd attached as SCM_RIGHTS.
/// </summary>
public static class SeccompListener
{
    /// <summary>The container's init, during create: the state says "creating" and its pid is the init's.</summary>
    public static void Send(LinuxSeccomp seccomp, int listenerFd, int pid, string id, Spec.Loading.LoadedConfig loaded) =>
        Send(seccomp, listenerFd, pid, new ContainerState
        {
            OciVersion = loaded.Config.OciVersion,
            Id = id,
            Status = "creating",
            Pid = pid,
            Bundle = loaded.BundlePath,
            Annotations = loaded.Config.Annotations,
        });

    /// <summary>
    /// Any process of the container (an exec'd one too): <paramref name="processPid"/> is the
    /// process whose filter the fd listens to, <paramref name="container"/> the container's state
    /// (its pid is the init's), as runc sends them.
    /// </summary>
    public static void Send(LinuxSeccomp seccomp, int listenerFd, int processPid, ContainerState container)
    {
        string path = seccomp.ListenerPath ?? throw new RuntimeException(
            "config.json: linux.seccomp.listenerPath: a SCMP_ACT_NOTIFY rule needs a listenerPath to send the notify fd to");
        var state = new ContainerProcessState
        {
            OciVersion = container.OciVersion,
            Fds = new List<string> { "seccompFd" },
            Pid = processPid,
            Metadata = seccomp.ListenerMetadata,
            State = container,
        };
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(state, SpecJsonContext.Default.ContainerProcessState);
        int sock = UnixSocket.Connect(path);
        if (sock < 0)
            throw new RuntimeException(UnixSocket.ConnectError($"config.json: linux.seccomp.listenerPath: connect to {path}", -sock));
        try
        {
            int r = FdPassing.Send(sock, json, listenerFd);
            if (r < 0) throw new SyscallException($"config.json: linux.seccomp.listenerPath: send the notify fd to {path}", -r);
        }
        finally
        {
            Sys.Close(sock);
        }
    }
}
