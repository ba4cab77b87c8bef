/*
 * The plan interpreter. It runs in the sealed init (start.c), or, in the weakened test build
 * only, in the runtime's cloned child. Either way nothing here may call libc: in the cloned
 * child another thread of the runtime may have held a libc lock at clone time, and the sealed
 * init has no libc at all. Raw syscalls (sys.h), the plan's own memory and static buffers only.
 */
#include <linux/filter.h>
#include <linux/sched.h>
#include <linux/prctl.h>
#include <linux/seccomp.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>

#include "../helper/plan.h"
#include "../helper/sys.h"

static int64_t slots[OCI_MAX_SLOTS];
static int report_fd = -1;
static char fdpaths[6][32];

long oci_lookup(const char *argv_block, int64_t argc, const char *path_env, const char *data_end);
long oci_exec(const char *argv_block, int64_t argc, const char *envp_block, int64_t envc, const char *data_end);

static void report(uint32_t type, int32_t step, int32_t err, int32_t pid)
{
    struct oci_msg m = { .type = type, .step = step, .err = err, .pid = pid };
    if (report_fd >= 0)
        oci_sys3(__NR_write, report_fd, &m, sizeof m);
}

static __attribute__((noreturn)) void fail(int32_t step, int32_t err, int32_t detail)
{
    report(OCI_MSG_ERROR, step, err, detail);
    oci_exit(1);
}

/* Handlers and the mask come from the runtime (which ignores SIGPIPE and blocked every signal
 * around clone3 so that no runtime handler runs in the child); the container starts from the
 * defaults. The kernel's sigaction layout: glibc's differs. */
static void reset_signals(void)
{
    struct oci_kernel_sigaction dfl;
    oci_memset(&dfl, 0, sizeof dfl);
    dfl.handler = SIG_DFL;
    for (int sig = 1; sig <= 64; sig++) {
        if (sig == SIGKILL || sig == SIGSTOP)
            continue;
        oci_sys4(__NR_rt_sigaction, sig, &dfl, 0, sizeof dfl.mask);
    }
    uint64_t none = 0;
    oci_sys4(__NR_rt_sigprocmask, SIG_SETMASK, &none, 0, sizeof none);
}

static void fmt_fdpath(char *out, int64_t fd)
{
    static const char prefix[] = "/proc/self/fd/";
    oci_memcpy(out, prefix, sizeof prefix - 1);
    int n = oci_utoa(out + sizeof prefix - 1, (uint64_t)fd);
    out[sizeof prefix - 1 + n] = '\0';
}

/* The verifier has checked every kind, offset and slot index already. */
static int resolve_args(const struct oci_step *s, const char *data, long out[6])
{
    for (int i = 0; i < 6; i++) {
        uint32_t kind = (s->arg_kinds >> (3 * i)) & 7u;
        int64_t v = s->args[i];
        switch (kind) {
        case OCI_ARG_IMM:
            out[i] = (long)v;
            break;
        case OCI_ARG_DATA:
            out[i] = v < 0 ? 0 : (long)(data + v);
            break;
        case OCI_ARG_SLOT:
            out[i] = (long)slots[v];
            break;
        case OCI_ARG_FDPATH:
            if (slots[v] < 0)
                return -1;
            fmt_fdpath(fdpaths[i], slots[v]);
            out[i] = (long)fdpaths[i];
            break;
        default:
            return -1;
        }
    }
    return 0;
}

static long send_fd(int sock, const void *data, size_t len, int fd)
{
    char control[CMSG_SPACE(sizeof(int))];
    oci_memset(control, 0, sizeof control);
    struct iovec iov = { .iov_base = (void *)data, .iov_len = len };
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
                          .msg_control = control, .msg_controllen = sizeof control };
    struct cmsghdr *c = (struct cmsghdr *)control;
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    oci_memcpy(CMSG_DATA(c), &fd, sizeof fd);
    return oci_sys3(__NR_sendmsg, sock, &msg, MSG_NOSIGNAL);
}

/* One fd per message, as OCI_OP_SEND_FD sends them; anything else is a protocol error. */
static long recv_fd(int sock)
{
    char byte;
    char control[CMSG_SPACE(sizeof(int))];
    oci_memset(control, 0, sizeof control);
    struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
                          .msg_control = control, .msg_controllen = sizeof control };
    long n = oci_sys3_retry(__NR_recvmsg, sock, (long)&msg, MSG_CMSG_CLOEXEC);
    if (n < 0)
        return n;
    struct cmsghdr *c = (struct cmsghdr *)control;
    if (n == 0 || (msg.msg_flags & MSG_CTRUNC) || msg.msg_controllen < CMSG_LEN(sizeof(int)) ||
        c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS || c->cmsg_len != CMSG_LEN(sizeof(int)))
        return -71; /* EPROTO */
    int fd;
    oci_memcpy(&fd, CMSG_DATA(c), sizeof fd);
    return fd;
}

/* EOF (the runtime died or gave up) ends the wait as much as GO does: never block forever. */
static long wait_for_go(int fd)
{
    struct oci_msg m;
    long n = oci_sys3_retry(__NR_read, fd, (long)&m, sizeof m);
    if (n < 0)
        return n;
    if (n != (long)sizeof m || m.type != OCI_MSG_GO)
        return n == 0 ? -32 /* EPIPE */ : -71 /* EPROTO */;
    return 0;
}

/* For a pid (or time) namespace: the new process takes over the plan, its parent reports its
 * host pid and exits. The new process waits for that exit (EOF on a pipe) before its next
 * step, so the runtime always learns the pid before any message of the new process (an ERROR
 * first would leave it unknown and unreaped). CLONE_PARENT makes it the runtime's child, not
 * ours, so the runtime can wait for it and reap it: a zombie left in a pid namespace keeps that
 * namespace's init from being reaped. A pid namespace's init may not use CLONE_PARENT. */
static long fork_and_relay_pid(int sync_fd)
{
    int exited[2];
    long r = oci_sys2(__NR_pipe2, exited, O_CLOEXEC);
    if (r < 0)
        return r;
    long pid = oci_sys5(__NR_clone, CLONE_PARENT | SIGCHLD, 0, 0, 0, 0);
    if (pid == -22 /* EINVAL */)
        pid = oci_sys5(__NR_clone, SIGCHLD, 0, 0, 0, 0);
    if (pid < 0) {
        oci_sys1(__NR_close, exited[0]);
        oci_sys1(__NR_close, exited[1]);
        return pid;
    }
    if (pid > 0) {
        struct oci_msg m = { .type = OCI_MSG_PID, .pid = (int32_t)pid };
        oci_sys3(__NR_write, sync_fd, &m, sizeof m);
        oci_exit(0); /* closes exited[1]: the new process goes on */
    }
    oci_sys1(__NR_close, exited[1]);
    char c;
    oci_sys3_retry(__NR_read, exited[0], (long)&c, 1);
    oci_sys1(__NR_close, exited[0]);
    return 0;
}

static long run_step(const struct oci_step *s, const long a[6], int sync_fd, const char *data_end)
{
    switch (s->op) {
    case OCI_OP_SYSCALL:
        return oci_sys6(s->nr, a[0], a[1], a[2], a[3], a[4], a[5]);
    case OCI_OP_SYNC_WAIT:
        return wait_for_go(sync_fd);
    case OCI_OP_SYNC_SEND: {
        struct oci_msg m = { .type = (uint32_t)a[0] };
        long n = oci_sys3(__NR_write, sync_fd, &m, sizeof m);
        return n == (long)sizeof m ? 0 : (n < 0 ? n : -5 /* EIO */);
    }
    case OCI_OP_FORK:
        return fork_and_relay_pid(sync_fd);
    case OCI_OP_LOOKUP:
        return oci_lookup((const char *)a[0], a[1], (const char *)a[2], data_end);
    case OCI_OP_EXEC:
        return oci_exec((const char *)a[0], a[1], (const char *)a[2], a[3], data_end);
    case OCI_OP_SEND_FD:
        return send_fd((int)a[0], (const void *)a[1], (size_t)a[2], (int)a[3]);
    case OCI_OP_SYNC_SEND_FD: {
#ifdef OCI_WEAKEN_NOTIFY_SENDMSG
        struct oci_msg m = { .type = OCI_MSG_FD };
        return send_fd(sync_fd, &m, sizeof m, (int)a[0]);
#else
        /* The seccomp listener, right after the filter is loaded: any syscall that filter sends to
         * the listener blocks until the agent holds the fd, so this step makes one syscall only,
         * write, which a NOTIFY rule may not name (runc's rule, Seccomp/ProfileReader.cs). The
         * number alone: the parent copies the fd out of our table with pidfd_getfd. */
        struct oci_msg m = { .type = OCI_MSG_FD, .pid = (int32_t)a[0] };
        long n = oci_sys3(__NR_write, sync_fd, &m, sizeof m);
        return n == (long)sizeof m ? 0 : (n < 0 ? n : -5 /* EIO */);
#endif
    }
    case OCI_OP_SECCOMP: {
        struct sock_fprog prog = { .len = (unsigned short)a[2], .filter = (struct sock_filter *)a[1] };
        return oci_sys3(__NR_seccomp, SECCOMP_SET_MODE_FILTER, (unsigned int)a[0], &prog);
    }
    case OCI_OP_REPORT_TO:
        report_fd = (int)a[0];
        return 0;
    case OCI_OP_RECV_FD:
        return recv_fd((int)a[0]);
    default:
        return -22; /* EINVAL */
    }
}

void oci_run_plan(const struct oci_plan_header *plan, uint64_t plan_length)
{
    /* Before anything else: nobody in the container may ptrace this process or open its
     * /proc/<pid>/{mem,exe,environ} while it runs our code in the container's namespaces. */
    oci_sys5(__NR_prctl, PR_SET_DUMPABLE, 0, 0, 0, 0);
    reset_signals();
    report_fd = plan->sync_fd;

    int32_t bad_step;
    if (oci_verify_plan(plan, plan_length, &bad_step) < 0)
        fail(OCI_STEP_VERIFY, 22 /* EINVAL */, bad_step);

    /* The runtime's fds the plan uses were made inheritable only to survive our execve;
     * close-on-exec again, so the container's execve closes whatever the plan left open. */
    const int32_t *handover = (const int32_t *)((const char *)plan + plan->handover_offset);
    for (uint32_t i = 0; i < plan->handover_count; i++)
        oci_sys3(__NR_fcntl, handover[i], F_SETFD, FD_CLOEXEC);
    /* the sync socket too: for exec'd processes and hooks its EOF is how the runtime learns
     * that the final execve happened */
    oci_sys3(__NR_fcntl, plan->sync_fd, F_SETFD, FD_CLOEXEC);

    const struct oci_step *steps = (const struct oci_step *)((const char *)plan + plan->steps_offset);
    const char *data = (const char *)plan + plan->data_offset;
    const char *data_end = data + plan->data_length;
    long a[6];

    for (uint32_t i = 0; i < plan->step_count; i++) {
        const struct oci_step *s = &steps[i];
        if (resolve_args(s, data, a) < 0)
            fail((int32_t)i, 9 /* EBADF: the slot holds no fd */, 0);
        long r = run_step(s, a, plan->sync_fd, data_end);
        if (r < 0 && r > -4096) {
            int err = (int)-r;
            if ((s->ok_errno != 0 && err == s->ok_errno) || (s->ok_errno2 != 0 && err == s->ok_errno2)) {
                i += (uint32_t)s->skip_on_ok_errno;
                continue;
            }
            fail((int32_t)i, err, 0);
        }
        if (s->result_slot >= 0)
            slots[s->result_slot] = r;
        i += (uint32_t)s->skip_on_success;
    }
    oci_exit(0);
}
