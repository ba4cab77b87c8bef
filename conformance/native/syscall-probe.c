/* syscall-probe NR [ARG...]: issues one raw syscall and prints "ret=R errno=E".
 * An argument "@text" passes a pointer to "text"; anything else is a number (0x.. or decimal).
 * Built statically at test time and bind-mounted into containers by the seccomp tests. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s NR [ARG...]\n", argv[0]);
        return 2;
    }
    long a[6] = { 0 };
    for (int i = 2; i < argc && i < 8; i++)
        a[i - 2] = argv[i][0] == '@' ? (long)(argv[i] + 1) : strtol(argv[i], NULL, 0);
    errno = 0;
    long r = syscall(strtol(argv[1], NULL, 0), a[0], a[1], a[2], a[3], a[4], a[5]);
    printf("ret=%ld errno=%d\n", r, r < 0 ? errno : 0);
    return 0;
}
