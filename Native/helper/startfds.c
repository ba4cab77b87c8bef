/*
 * How many fds after stdio the caller passed: counted in a constructor, before the .NET
 * runtime opens anything, so `--preserve-fds N` can be checked against the caller's fds
 * only (a runtime fd that lands on 3 must never pass for the caller's).
 */
#include <fcntl.h>

static int first_closed_fd = 3;

__attribute__((constructor)) static void count_inherited_fds(void)
{
    int fd = 3;
    while (fd < (1 << 20) && fcntl(fd, F_GETFD) >= 0)
        fd++;
    first_closed_fd = fd;
}

/* The lowest fd >= 3 that was closed when the process started: fds 3..this-1 are the caller's. */
int oci_first_closed_fd_at_start(void)
{
    return first_closed_fd;
}
