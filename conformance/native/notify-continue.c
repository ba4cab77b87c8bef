/* notify-continue SOCKET OUT: a seccomp agent that lets everything through. It accepts any
 * number of runtime connections on SOCKET (one process's notify fd each), answers every
 * notification of every fd with SECCOMP_USER_NOTIF_FLAG_CONTINUE and appends "nr=N pid=P" for
 * each to OUT, until it is killed. For profiles that notify syscalls the runtime itself uses
 * around the fd handover (sendmsg, read, close): the container must run as if unfiltered. */
#include <errno.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define MAX_FDS 64

static int receive_fd(int srv)
{
    int c = accept(srv, NULL, NULL);
    if (c < 0) return -1;
    static char buf[65536];
    char control[CMSG_SPACE(sizeof(int))];
    struct iovec iov = { .iov_base = buf, .iov_len = sizeof buf };
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control };
    ssize_t n = recvmsg(c, &msg, 0);
    close(c);
    struct cmsghdr *cm = n > 0 ? CMSG_FIRSTHDR(&msg) : NULL;
    if (!cm || cm->cmsg_type != SCM_RIGHTS) return -1;
    int fd;
    memcpy(&fd, CMSG_DATA(cm), sizeof fd);
    return fd;
}

int main(int argc, char **argv)
{
    if (argc != 3) return 2;
    FILE *out = fopen(argv[2], "w");
    if (!out) { perror("open OUT"); return 1; }
    setvbuf(out, NULL, _IOLBF, 0);
    int srv = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    strncpy(addr.sun_path, argv[1], sizeof addr.sun_path - 1);
    unlink(argv[1]);
    if (bind(srv, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(srv, 8) < 0) { perror("bind"); return 1; }

    struct pollfd fds[MAX_FDS] = { { .fd = srv, .events = POLLIN } };
    int count = 1;
    for (;;) {
        if (poll(fds, count, -1) < 0) {
            if (errno == EINTR) continue;
            perror("poll");
            return 1;
        }
        if ((fds[0].revents & POLLIN) && count < MAX_FDS) {
            int fd = receive_fd(srv);
            if (fd >= 0) {
                fds[count++] = (struct pollfd){ .fd = fd, .events = POLLIN };
                fprintf(out, "listener fd %d\n", count - 1);
            }
        }
        for (int i = 1; i < count; i++) {
            if (fds[i].revents & (POLLHUP | POLLERR)) {
                /* every process of that filter is gone */
                close(fds[i].fd);
                fds[i--] = fds[--count];
                continue;
            }
            if (!(fds[i].revents & POLLIN)) continue;
            struct seccomp_notif req;
            memset(&req, 0, sizeof req);
            if (ioctl(fds[i].fd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0) continue; /* the caller died meanwhile */
            struct seccomp_notif_resp resp = { .id = req.id, .flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE };
            ioctl(fds[i].fd, SECCOMP_IOCTL_NOTIF_SEND, &resp);
            fprintf(out, "nr=%d pid=%u\n", req.data.nr, req.pid);
        }
    }
}
