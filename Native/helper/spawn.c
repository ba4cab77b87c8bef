/*
 * The runtime's side of starting a plan: clone3, and in the child (which still runs the
 * runtime's image, so: raw syscalls only, no libc, no managed code) wait for the runtime's GO,
 * then exec the sealed init, which runs the plan. The child joins nothing before that exec, so
 * no container ever sees a process of ours whose /proc/<pid>/exe is the runtime's binary.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "plan.h"
#include "sys.h"

/* Newer than Debian 12's headers (Linux 6.3). */
#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif
#ifndef F_SEAL_EXEC
#define F_SEAL_EXEC 0x0020
#endif

static int header_is_sane(const struct oci_plan_header *h, uint64_t length)
{
    if (length < sizeof *h || h->magic != OCI_PLAN_MAGIC || h->version != OCI_PLAN_VERSION)
        return 0;
    if (h->handover_count > OCI_MAX_HANDOVER || h->handover_offset % 4 != 0 ||
        (uint64_t)h->handover_offset + (uint64_t)h->handover_count * 4 > length)
        return 0;
    return 1;
}

static __attribute__((unused)) void report_child_error(int sync_fd, int32_t step, long err)
{
    struct oci_msg m = { .type = OCI_MSG_ERROR, .step = step, .err = (int32_t)-err };
    oci_sys3(__NR_write, sync_fd, &m, sizeof m);
}

static long wait_for_go(int sync_fd)
{
    struct oci_msg m;
    long n = oci_sys3_retry(__NR_read, sync_fd, (long)&m, sizeof m);
    return n == (long)sizeof m && m.type == OCI_MSG_GO ? 0 : -1;
}

static __attribute__((noreturn)) void child(const struct oci_plan_header *h, uint64_t length,
                                            uint64_t clone_flags, int init_fd, int plan_fd)
{
    /* Not dumpable from the first instruction: /proc/<pid>/{mem,environ,exe} of this copy of the
     * runtime stay closed to everyone but root on the host (the root writing our id maps). The
     * sealed init clears it again after its own execve, before anything else. A rootless
     * runtime's child keeps it until GO, so its maps can be written (plan.h). */
    if (!(h->flags & OCI_PLAN_DUMPABLE_UNTIL_GO))
        oci_sys5(__NR_prctl, 4 /* PR_SET_DUMPABLE */, 0, 0, 0, 0);
    /* Without the runtime's end, EOF tells this child the runtime died: no wait is forever. */
    if (h->parent_sync_fd >= 0)
        oci_sys1(__NR_close, h->parent_sync_fd);
    if (wait_for_go(h->sync_fd) < 0)
        oci_exit(1);
    oci_sys5(__NR_prctl, 4 /* PR_SET_DUMPABLE */, 0, 0, 0, 0);
    /* The uid/gid maps are written now. execve recomputes capabilities from the ids: in a new
     * user namespace only its root keeps them, so become that root first (runc does the same). */
    if (clone_flags & CLONE_NEWUSER) {
        oci_sys3(__NR_setresgid, 0, 0, 0);
        oci_sys3(__NR_setresuid, 0, 0, 0);
    }
#ifdef OCI_WEAKEN_SEALED_INIT
    /* Test build only: run the plan in the runtime's own image, with the caller's environment. */
    (void)init_fd;
    (void)plan_fd;
    oci_run_plan(h, length);
#else
    const int32_t *handover = (const int32_t *)((const char *)h + h->handover_offset);
    for (uint32_t i = 0; i < h->handover_count; i++)
        oci_sys3(__NR_fcntl, handover[i], F_SETFD, 0);
    oci_sys3(__NR_fcntl, h->sync_fd, F_SETFD, 0);
    oci_sys3(__NR_fcntl, plan_fd, F_SETFD, 0);

    char fd_text[16];
    fd_text[oci_utoa(fd_text, (uint64_t)plan_fd)] = '\0';
    char *argv[] = { "oci-runtime-init", fd_text, 0 };
    char *envp[] = { 0 };
    long r = oci_sys5(__NR_execveat, init_fd, "", argv, envp, AT_EMPTY_PATH);
    report_child_error(h->sync_fd, OCI_STEP_EXEC_INIT, r);
    oci_exit(1);
#endif
}

#ifndef OCI_WEAKEN_SEALED_INIT
extern const unsigned char oci_init_image[];
extern const unsigned char oci_init_image_end[];

static long write_all(int fd, const void *data, size_t length)
{
    const char *p = data;
    while (length > 0) {
        ssize_t n = write(fd, p, length);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return n < 0 ? -errno : -EIO;
        p += n;
        length -= (size_t)n;
    }
    return 0;
}

/* The sealed init, once per runtime process: a memfd nobody can write, grow, shrink or
 * unseal, which /proc/<pid>/exe of every child then points at. */
static int sealed_init_fd(void)
{
    static int cached = -1;
    if (cached >= 0)
        return cached;
    int fd = memfd_create("oci-runtime-init", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
    if (fd < 0 && errno == EINVAL) /* before Linux 6.3 MFD_EXEC is unknown; exec was implied */
        fd = memfd_create("oci-runtime-init", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (fd < 0)
        return -errno;
    long r = write_all(fd, oci_init_image, (size_t)(oci_init_image_end - oci_init_image));
    int seals = F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_EXEC;
    if (r == 0 && fcntl(fd, F_ADD_SEALS, seals) < 0)
        r = errno == EINVAL && fcntl(fd, F_ADD_SEALS, seals & ~F_SEAL_EXEC) == 0 ? 0 : -errno;
    if (r == 0 && fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL) < 0)
        r = -errno;
    if (r < 0) {
        close(fd);
        return (int)r;
    }
    cached = fd;
    return fd;
}

static int plan_memfd(const void *plan, uint64_t length)
{
    int fd = memfd_create("oci-runtime-plan", MFD_CLOEXEC);
    if (fd < 0)
        return -errno;
    long r = write_all(fd, plan, length);
    if (r < 0) {
        close(fd);
        return (int)r;
    }
    return fd;
}
#endif

int oci_spawn(const void *plan, uint64_t plan_length, uint64_t clone_flags, int cgroup_fd)
{
    const struct oci_plan_header *h = plan;
    if (!header_is_sane(h, plan_length))
        return -EINVAL;
    int init_fd = -1, plan_fd = -1;
#ifndef OCI_WEAKEN_SEALED_INIT
    init_fd = sealed_init_fd();
    if (init_fd < 0)
        return init_fd;
    plan_fd = plan_memfd(plan, plan_length);
    if (plan_fd < 0)
        return plan_fd;
#endif

    struct clone_args args;
    oci_memset(&args, 0, sizeof args);
    args.flags = clone_flags;
    args.exit_signal = SIGCHLD;
    if (clone_flags & CLONE_INTO_CGROUP)
        args.cgroup = (uint64_t)cgroup_fd;

    /* No runtime signal handler may run in the child (it would run managed code): every signal
     * stays blocked from before the clone until the init resets them. */
    uint64_t all = ~(uint64_t)0, saved = 0;
    oci_sys4(__NR_rt_sigprocmask, SIG_SETMASK, &all, &saved, sizeof all);
    /* Fork-like (no CLONE_VM): the child gets a copy of this stack and of the plan. */
    long pid = oci_sys2(__NR_clone3, &args, sizeof args);
    if (pid == 0)
        child(h, plan_length, clone_flags, init_fd, plan_fd);
    oci_sys4(__NR_rt_sigprocmask, SIG_SETMASK, &saved, 0, sizeof saved);
    if (plan_fd >= 0)
        close(plan_fd);
    return (int)pid;
}
