/*
 * Raw system calls and the few string helpers the plan interpreter needs, usable both in the
 * runtime's cloned child (where libc may hold a lock another thread took before the clone) and
 * in the freestanding sealed init (which has no libc at all). Every call returns -errno on
 * failure, like the kernel; nothing here touches errno or thread-local storage.
 */
#ifndef OCI_SYS_H
#define OCI_SYS_H

#include <stddef.h>
#include <stdint.h>
#include <asm/unistd.h>

static inline long oci_sys6(long n, long a, long b, long c, long d, long e, long f)
{
#if defined(__x86_64__)
    register long r10 __asm__("r10") = d;
    register long r8 __asm__("r8") = e;
    register long r9 __asm__("r9") = f;
    long ret;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
                     : "rcx", "r11", "memory");
    return ret;
#elif defined(__aarch64__)
    register long x8 __asm__("x8") = n;
    register long x0 __asm__("x0") = a;
    register long x1 __asm__("x1") = b;
    register long x2 __asm__("x2") = c;
    register long x3 __asm__("x3") = d;
    register long x4 __asm__("x4") = e;
    register long x5 __asm__("x5") = f;
    __asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5) : "memory");
    return x0;
#else
#error "oci-runtime's raw syscalls support x86_64 and aarch64"
#endif
}

#define oci_sys0(n) oci_sys6((n), 0, 0, 0, 0, 0, 0)
#define oci_sys1(n, a) oci_sys6((n), (long)(a), 0, 0, 0, 0, 0)
#define oci_sys2(n, a, b) oci_sys6((n), (long)(a), (long)(b), 0, 0, 0, 0)
#define oci_sys3(n, a, b, c) oci_sys6((n), (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define oci_sys4(n, a, b, c, d) oci_sys6((n), (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)
#define oci_sys5(n, a, b, c, d, e) oci_sys6((n), (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), 0)

/* retries a call the kernel interrupted (EINTR) */
static inline long oci_sys3_retry(long n, long a, long b, long c)
{
    long r;
    do
        r = oci_sys3(n, a, b, c);
    while (r == -4 /* EINTR */);
    return r;
}

static inline __attribute__((noreturn)) void oci_exit(int code)
{
    oci_sys1(__NR_exit_group, code);
    /* Only a seccomp filter that denies exit_group gets here (defaultAction SCMP_ACT_ERRNO with no
     * rules): die by a fault, which needs no system call, rather than spin. */
    __builtin_trap();
}

/* The kernel's struct sigaction for rt_sigaction (not glibc's, whose mask is 128 bytes). */
struct oci_kernel_sigaction {
    void *handler;
    unsigned long flags;
    void *restorer;
    uint64_t mask;
};

static inline size_t oci_strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

/* Like strnlen: never reads at or past end. Returns (size_t)-1 when no NUL comes first. */
static inline size_t oci_strlen_within(const char *s, const char *end)
{
    for (const char *p = s; p < end; p++)
        if (*p == '\0')
            return (size_t)(p - s);
    return (size_t)-1;
}

static inline void oci_memcpy(void *dst, const void *src, size_t n)
{
    char *d = dst;
    const char *s = src;
    while (n--)
        *d++ = *s++;
}

static inline void oci_memset(void *dst, int c, size_t n)
{
    char *d = dst;
    while (n--)
        *d++ = (char)c;
}

/* Decimal formatting of a non-negative number; returns the length written (no NUL). */
static inline int oci_utoa(char *out, uint64_t v)
{
    char digits[24];
    int n = 0;
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v > 0);
    for (int i = 0; i < n; i++)
        out[i] = digits[n - 1 - i];
    return n;
}

#endif
