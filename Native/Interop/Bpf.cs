using System;
using System.Runtime.InteropServices;

namespace OciRuntime.Native.Interop;

/// <summary>
/// bpf(2) for cgroup device programs: load, attach/detach, query, and fetch a program by id
/// (to detach the previous one on update). Only the <c>union bpf_attr</c> members these commands
/// read are laid out (include/uapi/linux/bpf.h); the rest of the attr stays zero, as the kernel
/// requires for members it does not use.
/// </summary>
public static unsafe partial class Bpf
{
    private const long SysBpf = 321; // x86_64

    public const int PROG_LOAD = 5, PROG_ATTACH = 8, PROG_DETACH = 9, PROG_GET_FD_BY_ID = 13, PROG_QUERY = 16;
    public const uint PROG_TYPE_CGROUP_DEVICE = 15;
    public const uint CGROUP_DEVICE = 6; // enum bpf_attach_type
    public const uint F_ALLOW_OVERRIDE = 1, F_ALLOW_MULTI = 2, F_REPLACE = 4;

    // Big enough for every member used here; smaller than any kernel's bpf_attr is fine (the
    // kernel zero-fills), larger would need the tail to be zero, which it is.
    private const int AttrSize = 128;

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall3(long nr, long cmd, void* attr, long size);

    private static int Call(int cmd, byte* attr) => (int)Syscall3(SysBpf, cmd, attr, AttrSize);

    /// <summary>BPF_PROG_LOAD of a BPF_PROG_TYPE_CGROUP_DEVICE program; returns the fd or -errno, and the verifier log on failure.</summary>
    public static int LoadCgroupDeviceProgram(ReadOnlySpan<byte> insns, string license, out string verifierLog)
    {
        verifierLog = "";
        byte[] lic = System.Text.Encoding.ASCII.GetBytes(license + "\0");
        byte[] log = new byte[64 * 1024];
        byte* attr = stackalloc byte[AttrSize];
        new Span<byte>(attr, AttrSize).Clear();
        fixed (byte* pi = insns)
        fixed (byte* pl = lic)
        fixed (byte* plog = log)
        {
            *(uint*)(attr + 0) = PROG_TYPE_CGROUP_DEVICE;     // prog_type
            *(uint*)(attr + 4) = (uint)(insns.Length / 8);    // insn_cnt
            *(ulong*)(attr + 8) = (ulong)pi;                  // insns
            *(ulong*)(attr + 16) = (ulong)pl;                 // license
            // The verifier gives up with EAGAIN when a signal is pending; the runtime's own GC
            // suspends threads with signals, so retry a few times as libbpf does.
            int fd, e;
            int attempts = 0;
            do
            {
                fd = Call(PROG_LOAD, attr);
                if (fd >= 0) return fd;
                e = Marshal.GetLastPInvokeError();
            } while ((e == Errno.EAGAIN || e == Errno.EINTR) && ++attempts < 10);
            // Load again with the verifier log only on failure: the log costs time and memory.
            *(uint*)(attr + 24) = 1;                          // log_level
            *(uint*)(attr + 28) = (uint)log.Length;           // log_size
            *(ulong*)(attr + 32) = (ulong)plog;               // log_buf
            Call(PROG_LOAD, attr);
            int n = Array.IndexOf(log, (byte)0);
            verifierLog = System.Text.Encoding.ASCII.GetString(log, 0, n < 0 ? log.Length : n).Trim();
            return -e;
        }
    }

    /// <summary>BPF_PROG_ATTACH (flags may include F_REPLACE with <paramref name="replaceFd"/>); 0 or -errno.</summary>
    public static int Attach(int cgroupFd, int progFd, uint attachType, uint flags, int replaceFd = 0)
    {
        byte* attr = stackalloc byte[AttrSize];
        new Span<byte>(attr, AttrSize).Clear();
        *(uint*)(attr + 0) = (uint)cgroupFd;   // target_fd
        *(uint*)(attr + 4) = (uint)progFd;     // attach_bpf_fd
        *(uint*)(attr + 8) = attachType;       // attach_type
        *(uint*)(attr + 12) = flags;           // attach_flags
        *(uint*)(attr + 16) = (uint)replaceFd; // replace_bpf_fd
        return Call(PROG_ATTACH, attr) < 0 ? -Marshal.GetLastPInvokeError() : 0;
    }

    /// <summary>BPF_PROG_DETACH of one program; 0 or -errno.</summary>
    public static int Detach(int cgroupFd, int progFd, uint attachType)
    {
        byte* attr = stackalloc byte[AttrSize];
        new Span<byte>(attr, AttrSize).Clear();
        *(uint*)(attr + 0) = (uint)cgroupFd;
        *(uint*)(attr + 4) = (uint)progFd;
        *(uint*)(attr + 8) = attachType;
        return Call(PROG_DETACH, attr) < 0 ? -Marshal.GetLastPInvokeError() : 0;
    }

    /// <summary>BPF_PROG_QUERY: ids of the programs attached directly to the cgroup; null and -errno on failure.</summary>
    public static uint[]? Query(int cgroupFd, uint attachType, out int error)
    {
        error = 0;
        uint[] ids = new uint[64]; // the kernel caps a cgroup's programs per type at 64 (BPF_CGROUP_MAX_PROGS)
        byte* attr = stackalloc byte[AttrSize];
        new Span<byte>(attr, AttrSize).Clear();
        fixed (uint* pids = ids)
        {
            *(uint*)(attr + 0) = (uint)cgroupFd;   // target_fd
            *(uint*)(attr + 4) = attachType;       // attach_type
            *(ulong*)(attr + 16) = (ulong)pids;    // prog_ids
            *(uint*)(attr + 24) = (uint)ids.Length; // prog_cnt (in: capacity, out: count)
            if (Call(PROG_QUERY, attr) < 0) { error = Marshal.GetLastPInvokeError(); return null; }
            uint n = *(uint*)(attr + 24);
            return ids.AsSpan(0, (int)Math.Min(n, (uint)ids.Length)).ToArray();
        }
    }

    /// <summary>BPF_PROG_GET_FD_BY_ID; fd or -errno.</summary>
    public static int ProgFdById(uint id)
    {
        byte* attr = stackalloc byte[AttrSize];
        new Span<byte>(attr, AttrSize).Clear();
        *(uint*)(attr + 0) = id;
        int fd = Call(PROG_GET_FD_BY_ID, attr);
        return fd < 0 ? -Marshal.GetLastPInvokeError() : fd;
    }
}
