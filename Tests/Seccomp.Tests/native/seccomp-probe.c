/*
 * Test helper: loads a seccomp filter (raw struct sock_filter[] from a file) into itself and
 * issues one syscall, then reports what the kernel did, so the tests can check that the BPF
 * interpreter agrees with the kernel.
 *
 *   seccomp-probe FILTER_FILE FLAGS ABI NR A0 A1 A2 A3 A4 A5
 *     ABI: "64" = syscall instruction, "32" = int $0x80 (AUDIT_ARCH_I386 on x86_64)
 *   stdout: "RET <value> ERRNO <errno>" | "TRAP" | "LOADFAIL <errno>";
 *   killed by SIGSYS when the filter says KILL_*.
 * The filters used by the tests must allow write and exit_group for the report to get out.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static void on_sigsys(int sig, siginfo_t *info, void *ctx)
{
    (void)sig; (void)info; (void)ctx;
    static const char msg[] = "TRAP\n";
    write(1, msg, sizeof msg - 1);
    _exit(0);
}

int main(int argc, char **argv)
{
    if (argc != 11) { fprintf(stderr, "usage: %s FILTER FLAGS ABI NR A0..A5\n", argv[0]); return 64; }
    static unsigned char buf[4096 * 8];
    FILE *f = fopen(argv[1], "rb");
    if (!f) { perror("open"); return 66; }
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    unsigned long flags = strtoul(argv[2], NULL, 0);
    int abi32 = strcmp(argv[3], "32") == 0;
    long nr = (long)strtoul(argv[4], NULL, 0);
    unsigned long a[6];
    for (int i = 0; i < 6; i++) a[i] = strtoul(argv[5 + i], NULL, 0);

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_sigsys;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSYS, &sa, NULL);
    setvbuf(stdout, NULL, _IONBF, 0);

    struct sock_fprog prog = { .len = (unsigned short)(n / 8), .filter = (struct sock_filter *)buf };
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) { printf("LOADFAIL %d\n", errno); return 0; }
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog) < 0) { printf("LOADFAIL %d\n", errno); return 0; }

    long r;
    int err = 0;
    if (abi32) {
#if defined(__x86_64__)
        /* The i386 entry point: the kernel reports AUDIT_ARCH_I386 and 32-bit args. */
        long ret;
        __asm__ volatile("int $0x80" : "=a"(ret)
                         : "a"(nr), "b"(a[0]), "c"(a[1]), "d"(a[2]), "S"(a[3]), "D"(a[4]) : "memory");
        if (ret < 0 && ret > -4096) { err = (int)-ret; r = -1; } else r = ret;
#else
        r = -1; err = ENOSYS;
#endif
    } else {
        errno = 0;
        r = syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
        err = r == -1 ? errno : 0;
    }
    printf("RET %ld ERRNO %d\n", r, err);
    return 0;
}
