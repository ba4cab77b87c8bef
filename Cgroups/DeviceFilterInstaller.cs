using System.Collections.Generic;
using OciRuntime.Native.Interop;

namespace OciRuntime.Cgroups;

/// <summary>
/// Loads a compiled device filter with bpf(BPF_PROG_LOAD) and attaches it to a cgroup
/// (BPF_CGROUP_DEVICE, BPF_F_ALLOW_MULTI, like runc). On update the previous program is replaced
/// atomically with BPF_F_REPLACE when there is exactly one; otherwise the new program is attached
/// first and the old ones detached after, so there is never a moment without a filter (for that
/// moment both run and both must allow: stricter, never looser).
/// </summary>
public static class DeviceFilterInstaller
{
    // runc loads its programs with this license; GPL-only helpers are not used.
    private const string License = "Apache";

    public static void Install(string cgroupDir, IReadOnlyList<BpfInsn> program)
    {
        byte[] insns = BpfInsn.ToBytes(program);
        int prog = Bpf.LoadCgroupDeviceProgram(insns, License, out string log);
        if (prog < 0)
            throw new CgroupException($"load the device cgroup eBPF program ({program.Count} instructions): bpf(BPF_PROG_LOAD): {Sys.ErrnoText(-prog)}" +
                                      (log.Length > 0 ? $"; verifier: {log}" : "") + " (the kernel needs CONFIG_CGROUP_BPF)");
        int cg = Sys.Open(cgroupDir, O.RDONLY | O.DIRECTORY | O.CLOEXEC, 0);
        if (cg < 0)
        {
            int e = Sys.LastErrno;
            Sys.Close(prog);
            throw new CgroupException($"open cgroup {cgroupDir} to attach the device filter: {Sys.ErrnoText(e)}");
        }
        try
        {
            uint[] old = Bpf.Query(cg, Bpf.CGROUP_DEVICE, out int qerr) ?? System.Array.Empty<uint>();
            if (qerr != 0 && qerr != Errno.EINVAL)
                throw new CgroupException($"query the device programs of {cgroupDir}: bpf(BPF_PROG_QUERY): {Sys.ErrnoText(qerr)}");
            if (old.Length == 1 && TryReplace(cg, prog, old[0])) return;
            int r = Bpf.Attach(cg, prog, Bpf.CGROUP_DEVICE, Bpf.F_ALLOW_MULTI);
            if (r < 0)
                throw new CgroupException($"attach the device filter to {cgroupDir}: bpf(BPF_PROG_ATTACH, BPF_CGROUP_DEVICE, BPF_F_ALLOW_MULTI): {Sys.ErrnoText(-r)}");
            foreach (uint id in old) Detach(cg, id, cgroupDir);
        }
        finally
        {
            // The attachment holds its own reference to the program.
            Sys.Close(cg);
            Sys.Close(prog);
        }
    }

    private static bool TryReplace(int cg, int prog, uint oldId)
    {
        int oldFd = Bpf.ProgFdById(oldId);
        if (oldFd < 0) return false;
        try { return Bpf.Attach(cg, prog, Bpf.CGROUP_DEVICE, Bpf.F_ALLOW_MULTI | Bpf.F_REPLACE, oldFd) == 0; }
        finally { Sys.Close(oldFd); }
    }

    private static void Detach(int cg, uint id, string dir)
    {
        int fd = Bpf.ProgFdById(id);
        if (fd == -Errno.ENOENT) return; // already gone
        if (fd < 0) throw new CgroupException($"detach the previous device filter (prog id {id}) from {dir}: bpf(BPF_PROG_GET_FD_BY_ID): {Sys.ErrnoText(-fd)}");
        try
        {
            int r = Bpf.Detach(cg, fd, Bpf.CGROUP_DEVICE);
            if (r < 0 && r != -Errno.ENOENT)
                throw new CgroupException($"detach the previous device filter (prog id {id}) from {dir}: bpf(BPF_PROG_DETACH): {Sys.ErrnoText(-r)}");
        }
        finally { Sys.Close(fd); }
    }

    /// <summary>Ids of the device programs attached directly to the cgroup (for tests and diagnostics).</summary>
    public static uint[] Attached(string cgroupDir)
    {
        int cg = Sys.Open(cgroupDir, O.RDONLY | O.DIRECTORY | O.CLOEXEC, 0);
        if (cg < 0) return System.Array.Empty<uint>();
        try { return Bpf.Query(cg, Bpf.CGROUP_DEVICE, out _) ?? System.Array.Empty<uint>(); }
        finally { Sys.Close(cg); }
    }
}
