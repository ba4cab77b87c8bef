/* sd-notify MESSAGE: sends MESSAGE as one datagram to $NOTIFY_SOCKET, as sd_notify(3) does
 * (busybox has no systemd-notify). Exit 0 when sent, 1 with the reason on stderr otherwise. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

int main(int argc, char **argv)
{
    const char *path = getenv("NOTIFY_SOCKET");
    if (argc != 2 || !path || !*path || strlen(path) >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
        fprintf(stderr, "sd-notify: usage: NOTIFY_SOCKET=PATH sd-notify MESSAGE\n");
        return 1;
    }
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    strcpy(addr.sun_path, path);
    if (addr.sun_path[0] == '@') addr.sun_path[0] = 0;
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || sendto(fd, argv[1], strlen(argv[1]), 0, (struct sockaddr *)&addr, sizeof addr) < 0) {
        perror("sd-notify: send");
        return 1;
    }
    return 0;
}
