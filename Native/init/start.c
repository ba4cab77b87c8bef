/*
 * The sealed init: a static program without libc that the runtime copies into a sealed memfd
 * and execs in every child it clones (spawn.c), before that child joins any namespace a
 * container can see. From then on /proc/<pid>/exe of every process of ours inside a container
 * is this sealed copy, never the runtime's binary on the host (CVE-2019-5736), and the
 * process's environment is empty (the caller's environment stays in the runtime).
 *
 * argv: [name, plan fd]. The plan fd is a memfd the runtime wrote; it is mapped and closed.
 * Anything else (a container that runs /proc/self/exe through a "#!" line) just exits.
 */
#include <linux/stat.h>
#include <sys/mman.h>

#include "../helper/plan.h"
#include "../helper/sys.h"

/* GCC may emit calls to these for struct copies and initialisers. */
void *memcpy(void *dst, const void *src, size_t n)
{
    oci_memcpy(dst, src, n);
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    oci_memset(dst, c, n);
    return dst;
}

static int parse_fd(const char *s)
{
    long v = 0;
    if (*s == '\0')
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > 1 << 24)
            return -1;
        v = v * 10 + (*s - '0');
    }
    return (int)v;
}

__attribute__((noreturn, used)) void oci_init_start(long *sp)
{
    long argc = sp[0];
    char **argv = (char **)(sp + 1);
    /* dumpable is 1 again after our own execve: clear it before anything else */
    oci_sys5(__NR_prctl, 4 /* PR_SET_DUMPABLE */, 0, 0, 0, 0);
    if (argc != 2)
        oci_exit(127);
    int fd = parse_fd(argv[1]);
    if (fd < 0)
        oci_exit(127);

    struct statx st;
    if (oci_sys5(__NR_statx, fd, "", 0x1000 /* AT_EMPTY_PATH */, STATX_SIZE, &st) < 0 ||
        st.stx_size < sizeof(struct oci_plan_header) || st.stx_size > (1ull << 31))
        oci_exit(127);
    long mem = oci_sys6(__NR_mmap, 0, (long)st.stx_size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    if (mem < 0 && mem > -4096)
        oci_exit(127);
    oci_sys1(__NR_close, fd);
    oci_run_plan((const struct oci_plan_header *)mem, st.stx_size);
}

#if defined(__x86_64__)
__asm__(".text\n"
        ".global _start\n"
        "_start:\n"
        "  xor %rbp, %rbp\n"
        "  mov %rsp, %rdi\n"
        "  and $-16, %rsp\n"
        "  call oci_init_start\n"
        "  hlt\n");
#elif defined(__aarch64__)
__asm__(".text\n"
        ".global _start\n"
        "_start:\n"
        "  mov x29, #0\n"
        "  mov x30, #0\n"
        "  mov x0, sp\n"
        "  and sp, x0, #-16\n"
        "  bl oci_init_start\n"
        "  brk #0\n");
#endif
