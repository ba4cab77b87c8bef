/*
 * The plan interpreter: runs in the cloned child only. It must not call malloc, stdio or
 * anything that takes a lock another thread of the parent may have held at clone time:
 * raw syscalls, the plan's own memory and static buffers only.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "plan.h"

static int64_t slots[OCI_MAX_SLOTS];
static int report_fd = -1;
static char fdpaths[6][32];

int oci_lookup(const char *argv_block, int64_t argc, const char *path_env);
int oci_exec(const char *argv_block, int64_t argc, const char *envp_block, int64_t envc);

static void report(uint32_t type, int32_t step, int32_t err, int32_t pid)
{
    struct oci_msg m = { .type = type, .step = step, .err = err, .pid = pid };
    if (report_fd >= 0) {
        ssize_t ignored = write(report_fd, &m, sizeof m);
        (void)ignored;
    }
}

static void fail(int32_t step, int32_t err) __attribute__((noreturn));
static void fail(int32_t step, int32_t err)
{
    report(OCI_MSG_ERROR, step, err, 0);
    _exit(1);
}

/* Dispositions and the signal mask are inherited from the parent's runtime (which ignores
 * SIGPIPE, for one); the container must start from the defaults. */
static void reset_signals(void)
{
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; sig++) {
        if (sig == SIGKILL || sig == SIGSTOP)
            continue;
        syscall(SYS_rt_sigaction, sig, &dfl, NULL, _NSIG / 8);
    }
    sigset_t none;
    sigemptyset(&none);
    syscall(SYS_rt_sigprocmask, SIG_SETMASK, &none, NULL, _NSIG / 8);
}

static int fmt_fdpath(char *out, int64_t fd)
{
    static const char prefix[] = "/proc/self/fd/";
    char digits[24];
    int n = 0;
    if (fd < 0)
        return -1;
    do {
        digits[n++] = (char)('0' + fd % 10);
        fd /= 10;
    } while (fd > 0);
    memcpy(out, prefix, sizeof prefix - 1);
    int pos = sizeof prefix - 1;
    while (n > 0)
        out[pos++] = digits[--n];
    out[pos] = '\0';
    return 0;
}

static int resolve_args(const struct oci_step *s, const char *data, uint32_t data_len,
                        uint32_t slot_count, long out[6])
{
    for (int i = 0; i < 6; i++) {
        uint32_t kind = (s->arg_kinds >> (3 * i)) & 7u;
        int64_t v = s->args[i];
        switch (kind) {
        case OCI_ARG_IMM:
            out[i] = (long)v;
            break;
        case OCI_ARG_DATA:
            if (v < 0) {
                out[i] = 0;
            } else {
                if ((uint64_t)v >= data_len)
                    return -1;
                out[i] = (long)(data + v);
            }
            break;
        case OCI_ARG_SLOT:
            if (v < 0 || (uint64_t)v >= slot_count)
                return -1;
            out[i] = (long)slots[v];
            break;
        case OCI_ARG_FDPATH:
            if (v < 0 || (uint64_t)v >= slot_count || fmt_fdpath(fdpaths[i], slots[v]) < 0)
                return -1;
            out[i] = (long)fdpaths[i];
            break;
        default:
            return -1;
        }
    }
    return 0;
}

static int send_fd(int sock, const void *data, size_t len, int fd)
{
    char control[CMSG_SPACE(sizeof(int))];
    memset(control, 0, sizeof control);
    struct iovec iov = { .iov_base = (void *)data, .iov_len = len };
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
                          .msg_control = control, .msg_controllen = sizeof control };
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &fd, sizeof fd);
    return sendmsg(sock, &msg, MSG_NOSIGNAL) < 0 ? -1 : 0;
}

static int wait_for_go(int fd)
{
    struct oci_msg m;
    ssize_t n;
    do {
        n = read(fd, &m, sizeof m);
    } while (n < 0 && errno == EINTR);
    if (n != (ssize_t)sizeof m || m.type != OCI_MSG_GO) {
        errno = n == 0 ? EPIPE : (n < 0 ? errno : EPROTO);
        return -1;
    }
    return 0;
}

static long run_step(const struct oci_step *s, const long a[6], int sync_fd)
{
    switch (s->op) {
    case OCI_OP_SYSCALL:
        return syscall(s->nr, a[0], a[1], a[2], a[3], a[4], a[5]);
    case OCI_OP_SYNC_WAIT:
        return wait_for_go(sync_fd);
    case OCI_OP_SYNC_SEND: {
        struct oci_msg m = { .type = (uint32_t)a[0] };
        return write(sync_fd, &m, sizeof m) == (ssize_t)sizeof m ? 0 : -1;
    }
    case OCI_OP_FORK: {
        long pid = syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
        if (pid < 0)
            return -1;
        if (pid > 0) {
            /* The parent of the new init only relays its pid; the runtime reaps it. */
            struct oci_msg m = { .type = OCI_MSG_PID, .pid = (int32_t)pid };
            ssize_t ignored = write(sync_fd, &m, sizeof m);
            (void)ignored;
            _exit(0);
        }
        return 0;
    }
    case OCI_OP_LOOKUP:
        return oci_lookup((const char *)a[0], a[1], (const char *)a[2]);
    case OCI_OP_EXEC:
        return oci_exec((const char *)a[0], a[1], (const char *)a[2], a[3]);
    case OCI_OP_SEND_FD:
        return send_fd((int)a[0], (const void *)a[1], (size_t)a[2], (int)a[3]);
    case OCI_OP_SYNC_SEND_FD: {
        struct oci_msg m = { .type = OCI_MSG_FD };
        return send_fd(sync_fd, &m, sizeof m, (int)a[0]);
    }
    case OCI_OP_SECCOMP: {
        struct sock_fprog prog = { .len = (unsigned short)a[2], .filter = (struct sock_filter *)a[1] };
        return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, (unsigned int)a[0], &prog);
    }
    case OCI_OP_REPORT_TO:
        report_fd = (int)a[0];
        return 0;
    default:
        errno = EINVAL;
        return -1;
    }
}

void oci_run_plan(const struct oci_plan_header *plan)
{
    reset_signals();
    report_fd = plan->sync_fd;

    const struct oci_step *steps = (const struct oci_step *)((const char *)plan + plan->steps_offset);
    const char *data = (const char *)plan + plan->data_offset;
    long a[6];

    for (uint32_t i = 0; i < plan->step_count; i++) {
        const struct oci_step *s = &steps[i];
        if (resolve_args(s, data, plan->data_length, plan->slot_count, a) < 0)
            fail((int32_t)i, EINVAL);
        errno = 0;
        long r = run_step(s, a, plan->sync_fd);
        if (r < 0) {
            int err = errno ? errno : EINVAL;
            if (s->ok_errno != 0 && err == s->ok_errno) {
                i += (uint32_t)s->skip_on_ok_errno;
                continue;
            }
            fail((int32_t)i, err);
        }
        if (s->result_slot >= 0 && (uint32_t)s->result_slot < plan->slot_count)
            slots[s->result_slot] = r;
        i += (uint32_t)s->skip_on_success;
    }
    _exit(0);
}
