using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using OciRuntime.Container;
using OciRuntime.Errors;
using OciRuntime.Native.Interop;
using OciRuntime.Native.Plan;
using OciRuntime.Spec.Config;

namespace OciRuntime.Rootless;

/// <summary>
/// newuidmap/newgidmap (shadow's setuid helpers, Debian package uidmap): the only way an
/// unprivileged user maps more than its own id, checked against its /etc/subuid and /etc/subgid
/// ranges. They are the one program the runtime runs besides hooks, and run the way hooks do: a
/// C plan (clone, sealed init, exec), so no managed code runs after a fork. The target child is
/// dumpable until its maps are written (ProcessPlan.DumpableUntilGo), since the tools check that
/// the caller owns /proc/&lt;pid&gt;.
/// </summary>
public static unsafe class IdMapTool
{
    private static readonly string[] SearchDirs = { "/usr/bin", "/bin", "/usr/sbin", "/sbin", "/usr/local/bin" };

    public static string? Find(string tool)
    {
        foreach (string dir in SearchDirs)
        {
            string path = Path.Combine(dir, tool);
            if (File.Exists(path)) return path;
        }
        return null;
    }

    /// <summary>Runs `tool PID C H S [C H S ...]`; throws with the tool's own message if it fails.</summary>
    public static void Run(string tool, int pid, List<LinuxIdMapping> maps, string where)
    {
        string subFile = tool == "newuidmap" ? "/etc/subuid" : "/etc/subgid";
        string path = Find(tool) ?? throw new RuntimeException(
            $"config.json: {where}: an unprivileged user can map only its own id without {tool}, which is not installed: install it (apt-get install uidmap) and give the user ranges in {subFile}, or map only your own id (size 1)");
        var args = new List<string> { tool, pid.ToString(CultureInfo.InvariantCulture) };
        foreach (LinuxIdMapping m in maps)
        {
            args.Add(m.ContainerId.ToString(CultureInfo.InvariantCulture));
            args.Add(m.HostId.ToString(CultureInfo.InvariantCulture));
            args.Add(m.Size.ToString(CultureInfo.InvariantCulture));
        }
        string what = $"{path} for {where}";

        int* pipe = stackalloc int[2];
        if (Sys.Pipe2(pipe, O.CLOEXEC) < 0) throw new SyscallException($"{what}: pipe", Sys.LastErrno);
        int outRead = pipe[0], outWrite = pipe[1];
        int status;
        string output;
        try
        {
            using (var sync = SyncChannel.Create())
            {
                var plan = new ProcessPlan();
                plan.Syscall(Nr.dup3, "stdout to the runtime", (long)outWrite, 1L, 0L);
                plan.Syscall(Nr.dup3, "stderr to the runtime", (long)outWrite, 2L, 0L);
                Process.FdCloser.Emit(plan, 3, sync.ChildFd);
                plan.Op(PlanOp.Lookup, $"find {path}", PlanArg.Data(PlanStructs.StringBlock(new[] { path })), 1L, PlanArg.Str(""));
                plan.Op(PlanOp.Exec, $"exec {what}", PlanArg.Data(PlanStructs.StringBlock(args)), (long)args.Count,
                    PlanArg.Data(PlanStructs.StringBlock(new List<string>())), 0L);
                var handOver = new List<int> { outWrite };
                outWrite = -1;   // the spawner closes it once the child has it, whatever happens
                int toolPid = ProcessSpawner.Spawn(plan, 0, sync, handOver,
                    new SpawnHandlers { EofMeansExec = true, What = what, Process = new ProcessSpec { Args = new List<string> { path } } }).Pid;
                output = ReadAll(outRead);
                status = ProcessSpawner.Reap(toolPid);
            }
        }
        finally
        {
            if (outWrite >= 0) Sys.Close(outWrite);
            Sys.Close(outRead);
        }
        if (status == 0) return;
        string how = status < 0 ? "status unknown" : (status & 0x7f) == 0 ? $"exit status {(status >> 8) & 0xff}" : $"killed by signal {status & 0x7f}";
        throw new RuntimeException(
            $"config.json: {where}: {tool} {string.Join(' ', args.GetRange(1, args.Count - 1))} failed ({how}){(output.Length > 0 ? ": " + output : "")} (every host range must be one of the user's ranges in {subFile}, or the user's own id)");
    }

    private static string ReadAll(int fd)
    {
        var bytes = new MemoryStream();
        byte* buf = stackalloc byte[1024];
        while (true)
        {
            nint n = Sys.Read(fd, buf, 1024);
            if (n < 0 && Sys.LastErrno == Errno.EINTR) continue;
            if (n <= 0) break;
            if (bytes.Length < 16 * 1024) bytes.Write(new System.ReadOnlySpan<byte>(buf, (int)n));
        }
        return Encoding.UTF8.GetString(bytes.ToArray()).Trim().Replace('\n', ' ');
    }
}
