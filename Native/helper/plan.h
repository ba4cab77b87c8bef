/*
 * The plan: a flat, pre-built list of syscall steps that the C# side compiles from config.json
 * and that the cloned child interprets between clone and execve. The C side holds no policy:
 * what to mount, in which order, which capabilities - all of that is decided in C# before the
 * clone (see docs/architecture.md). Managed code must never run in the child: NativeAOT's GC
 * poll after every P/Invoke can hang a cloned child forever (docs/host-facts.md).
 *
 * The layout is mirrored in Native/Plan/ProcessPlan.cs (header and step offsets, OCI_PLAN_MAGIC/
 * VERSION, OCI_MAX_SLOTS/HANDOVER), Native/Plan/PlanArg.cs (oci_arg_kind) and Native/Plan/PlanOp.cs
 * (oci_op, oci_msg_type, oci_prestep); Tests/Runtime.Tests/PlanLayoutTests.cs compiles a C probe
 * of this header and compares every size, offset and value with the C# side. Change both together
 * and bump OCI_PLAN_VERSION. C# writes skip counts from labels resolved when the plan is built
 * (ProcessPlan.Mark), and Native/Plan/PlanVerifier.cs checks every plan before it is spawned, with
 * the same rules as verify.c and slots followed along every path.
 *
 * Who runs it: the runtime clones a child (spawn.c), which execs the sealed init (Native/init), a
 * small static program copied into a sealed memfd, so that no process of ours inside a container
 * ever has the runtime's binary as /proc/self/exe (CVE-2019-5736). The init maps the plan from a
 * memfd, verifies it (verify.c), and interprets it (interpret.c).
 */
#ifndef OCI_PLAN_H
#define OCI_PLAN_H

#include <stdint.h>

/* The plan carries x86_64 syscall numbers (Native/Interop/SyscallNumbers.cs) and x86_64 struct
 * images (Native/Plan/PlanStructs.cs); an interpreter built for another architecture would run
 * the wrong syscalls. The msbuild side refuses other RuntimeIdentifiers too (nativeaot.props). */
#if !defined(__x86_64__)
#error "oci-runtime supports x86_64 only: its syscall numbers and struct layouts are x86_64's (port Native/Interop/SyscallNumbers.cs and Native/Plan/PlanStructs.cs first)"
#endif

#define OCI_PLAN_MAGIC   0x4e414c50u /* "PLAN" */
#define OCI_PLAN_VERSION 4u
#define OCI_MAX_SLOTS    512
#define OCI_MAX_HANDOVER 256

/* How a step argument is turned into a syscall argument; 3 bits per argument. */
enum oci_arg_kind {
    OCI_ARG_IMM = 0,     /* the value itself */
    OCI_ARG_DATA = 1,    /* pointer into the plan's data area at this offset; -1 is NULL */
    OCI_ARG_SLOT = 2,    /* the value stored in slot[value] by an earlier step (an fd) */
    OCI_ARG_FDPATH = 3,  /* the string "/proc/self/fd/<slot[value]>" */
};

enum oci_op {
    OCI_OP_SYSCALL = 1,     /* syscall(nr, args...) ; result into result_slot */
    OCI_OP_SYNC_WAIT = 2,   /* block until the parent sends GO on the sync socket */
    OCI_OP_SYNC_SEND = 3,   /* send a message of type a0 to the parent (READY, MAPS) */
    OCI_OP_FORK = 4,        /* fork; the parent reports the child's pid and exits */
    OCI_OP_LOOKUP = 5,      /* resolve argv[0] (a0=argv block, a1=argc, a2=PATH string) */
    OCI_OP_EXEC = 6,        /* execve(looked-up path, argv a0/a1, envp a2/a3) */
    OCI_OP_SEND_FD = 7,     /* sendmsg(slot a0, data a1 len a2, SCM_RIGHTS slot a3) */
    OCI_OP_SECCOMP = 8,     /* seccomp(SET_MODE_FILTER, flags a0, {len a2, filter a1}) */
    OCI_OP_REPORT_TO = 9,   /* errors from now on go to fd slot a0 (the exec fifo) */
    OCI_OP_SYNC_SEND_FD = 10, /* tell the parent the number of the fd in slot a0 (FD); it copies the fd with pidfd_getfd */
    OCI_OP_RECV_FD = 11,    /* receive one SCM_RIGHTS fd on socket a0 (close-on-exec); result = the fd */
};

/* Messages on the sync socket (SOCK_SEQPACKET), in both directions. */
enum oci_msg_type {
    OCI_MSG_GO = 1,
    OCI_MSG_READY = 2,
    OCI_MSG_PID = 3,
    OCI_MSG_ERROR = 4,
    OCI_MSG_FD = 5,
    OCI_MSG_MAPS = 6,  /* after unshare(CLONE_NEWUSER): write my uid/gid maps, then GO */
    OCI_MSG_HOOKS = 7, /* rootfs mounted, not pivoted: run the create hooks, then GO */
    OCI_MSG_MOUNT_SOURCES = 8, /* namespaces entered: send the bind mount sources (RECV_FD), then GO */
};

/* ERROR messages whose step is not an index: the failure happened before the plan ran. */
enum oci_prestep {
    OCI_STEP_EXEC_INIT = -1,   /* execveat of the sealed init failed */
    OCI_STEP_VERIFY = -2,      /* the plan failed verification (a runtime bug) */
    OCI_STEP_LOAD_PLAN = -3,   /* the init could not map the plan */
};

struct oci_msg {
    uint32_t type;
    int32_t step;   /* index of the failing step, for ERROR */
    int32_t err;    /* errno, for ERROR */
    int32_t pid;    /* host pid, for PID; the sender's fd number, for FD */
};

struct oci_step {
    uint32_t op;
    int32_t nr;               /* syscall number, for OCI_OP_SYSCALL */
    uint32_t arg_kinds;       /* 3 bits per argument, argument 0 in the low bits */
    int32_t result_slot;      /* -1: the result is not kept */
    int32_t ok_errno;         /* a failure with this errno is tolerated (0: none) */
    int32_t skip_on_ok_errno; /* steps to skip after a tolerated failure */
    int32_t skip_on_success;  /* steps to skip after success (if/else with the above) */
    int32_t ok_errno2;        /* a second tolerated errno, same skip (0: none) */
    int64_t args[6];
};

struct oci_plan_header {
    uint32_t magic;
    uint32_t version;
    uint32_t step_count;
    uint32_t slot_count;
    uint32_t steps_offset;
    uint32_t data_offset;
    uint32_t data_length;     /* the data area always ends with a NUL byte */
    int32_t sync_fd;          /* the child's end of the sync socketpair */
    int32_t parent_sync_fd;   /* the runtime's end: the child closes it first, so it sees EOF if the runtime dies */
    uint32_t handover_offset; /* int32 fds of the runtime the plan uses; they survive the init's execve */
    uint32_t handover_count;
    uint32_t flags;           /* OCI_PLAN_* below */
};

/* The cloned child stays dumpable until the runtime's first GO (then it is made non-dumpable
 * before the sealed init's execve). Only for a runtime without privilege over the child's new
 * user namespace: /proc/<pid> of a non-dumpable child belongs to the host's root, so neither the
 * runtime nor newuidmap/newgidmap could write its maps. The child has joined no namespace a
 * container can see yet (runc's window, issue 10). */
#define OCI_PLAN_DUMPABLE_UNTIL_GO 1u

_Static_assert(sizeof(struct oci_msg) == 16, "oci_msg is 16 bytes on the wire (SyncChannel.cs)");
_Static_assert(sizeof(struct oci_step) == 80, "ProcessPlan.StepSize");
_Static_assert(sizeof(struct oci_plan_header) == 48, "ProcessPlan.HeaderSize");
_Static_assert(__builtin_offsetof(struct oci_step, args) == 32, "ProcessPlan writes args at 32");

/* Spawns a process that runs the plan and returns its pid, or -errno (spawn.c).
 * clone_flags are clone3 flags (namespaces, CLONE_INTO_CGROUP); cgroup_fd is used with
 * CLONE_INTO_CGROUP, else ignored. */
int oci_spawn(const void *plan, uint64_t plan_length, uint64_t clone_flags, int cgroup_fd);

/* The interpreter (interpret.c): runs a verified plan and ends in execve or exit. */
void oci_run_plan(const struct oci_plan_header *plan, uint64_t plan_length) __attribute__((noreturn));

/* The verifier (verify.c): 0 when every step, argument, slot and jump is in bounds, else the
 * index of the first bad step in *bad_step (or OCI_STEP_VERIFY for a bad header) and -1. */
int oci_verify_plan(const struct oci_plan_header *plan, uint64_t plan_length, int32_t *bad_step);

#endif
