/* notify-listener SOCKET OUT ERRNO [CONNECTIONS]: accepts CONNECTIONS (default 1) runtime
 * connections on SOCKET, one process's seccomp notify fd each (the init's at create, then each
 * exec'd process's). The fds of earlier connections stay open; for the last one it stores the
 * container process state JSON in OUT, answers one notification with -ERRNO, appends
 * "nr=N" and "pid=P" (the caller's pid, as the kernel reports it) to OUT and exits. */
#include <errno.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc != 4 && argc != 5) return 2;
    int connections = argc == 5 ? atoi(argv[4]) : 1;
    int srv = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    strncpy(addr.sun_path, argv[1], sizeof addr.sun_path - 1);
    unlink(argv[1]);
    if (bind(srv, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(srv, 1) < 0) { perror("bind"); return 1; }
    static char buf[65536];
    ssize_t n = 0;
    int fd = -1;
    for (int i = 0; i < connections; i++) {
        int c = accept(srv, NULL, NULL);
        if (c < 0) { perror("accept"); return 1; }
        char control[CMSG_SPACE(sizeof(int))];
        struct iovec iov = { .iov_base = buf, .iov_len = sizeof buf - 1 };
        struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control };
        n = recvmsg(c, &msg, 0);
        if (n < 0) { perror("recvmsg"); return 1; }
        struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
        if (!cm || cm->cmsg_type != SCM_RIGHTS) { fprintf(stderr, "no fd\n"); return 1; }
        memcpy(&fd, CMSG_DATA(cm), sizeof fd);
        close(c);
    }
    FILE *out = fopen(argv[2], "w");
    fwrite(buf, 1, (size_t)n, out);
    fputc('\n', out);
    fflush(out);

    struct seccomp_notif req;
    memset(&req, 0, sizeof req);
    if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0) { perror("NOTIF_RECV"); return 1; }
    struct seccomp_notif_resp resp = { .id = req.id, .val = 0, .error = -atoi(argv[3]), .flags = 0 };
    if (ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0) { perror("NOTIF_SEND"); return 1; }
    fprintf(out, "nr=%d\npid=%u\n", req.data.nr, req.pid);
    fclose(out);
    return 0;
}
