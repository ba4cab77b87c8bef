using System.Collections.Generic;
using System.IO;
using OciRuntime.Errors;
using OciRuntime.Native.Interop;
using OciRuntime.Native.Plan;

namespace OciRuntime.Container;

/// <summary>
/// Entering a running container's namespaces (exec, hooks): open /proc/&lt;pid&gt;/ns/* in the parent
/// for each type that differs from the runtime's own (joining your own user namespace is EINVAL),
/// in setns order — user first, mount last — and emit the setns steps.
/// </summary>
public static class NamespaceJoiner
{
    public static List<(string Type, int Fd)> OpenDiffering(int pid, IEnumerable<string> types, string what)
    {
        var wanted = new HashSet<string>(types);
        var fds = new List<(string, int)>();
        foreach (string type in NamespaceKinds.JoinOrder)
        {
            if (!wanted.Contains(type)) continue;
            string name = NamespaceKinds.ProcName[type];
            string theirs = $"/proc/{pid}/ns/{name}";
            string? target, ours;
            try
            {
                target = new FileInfo(theirs).LinkTarget;
                ours = new FileInfo($"/proc/self/ns/{name}").LinkTarget;
            }
            catch (IOException) { continue; }   // a namespace type this kernel lacks
            if (target is null || target == ours) continue;
            int fd = Sys.Open(theirs, O.RDONLY | O.CLOEXEC, 0);
            if (fd < 0)
            {
                int e = Sys.LastErrno;
                foreach (var (_, f) in fds) Sys.Close(f);
                throw new SyscallException($"{what}: open {theirs}", e);
            }
            fds.Add((type, fd));
        }
        return fds;
    }

    public static void Emit(ProcessPlan plan, List<(string Type, int Fd)> fds, string what)
    {
        foreach (var (type, fd) in fds)
            plan.Syscall(Nr.setns, $"{what}: join the container's {type} namespace", (long)fd, (long)NamespaceKinds.CloneFlag[type]);
        if (fds.Exists(j => j.Type == "mount"))
            plan.Syscall(Nr.chdir, $"{what}: chdir to the container's root", PlanArg.Str("/"));
    }
}
