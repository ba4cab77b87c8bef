/*
 * clone3 into the container's first process. The child never returns to managed code: it runs
 * the plan (interpret.c) and ends in execve or _exit.
 */
#include <errno.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "plan.h"

void oci_run_plan(const struct oci_plan_header *plan) __attribute__((noreturn));

static int plan_is_sane(const void *plan, uint64_t length)
{
    const struct oci_plan_header *h = plan;
    if (length < sizeof *h || h->magic != OCI_PLAN_MAGIC || h->version != OCI_PLAN_VERSION)
        return 0;
    if (h->slot_count > OCI_MAX_SLOTS)
        return 0;
    if ((uint64_t)h->steps_offset + (uint64_t)h->step_count * sizeof(struct oci_step) > length)
        return 0;
    if ((uint64_t)h->data_offset + h->data_length > length)
        return 0;
    return 1;
}

int oci_spawn(const void *plan, uint64_t plan_length, uint64_t clone_flags, int cgroup_fd)
{
    if (!plan_is_sane(plan, plan_length))
        return -EINVAL;

    struct clone_args args;
    memset(&args, 0, sizeof args);
    args.flags = clone_flags;
    args.exit_signal = SIGCHLD;
    if (clone_flags & CLONE_INTO_CGROUP)
        args.cgroup = (uint64_t)cgroup_fd;

    /* Fork-like (no CLONE_VM): the child gets a copy of this stack and of the plan. */
    long pid = syscall(SYS_clone3, &args, sizeof args);
    if (pid < 0)
        return -errno;
    if (pid == 0)
        oci_run_plan(plan);
    return (int)pid;
}
