/*
 * argv[0] lookup along the container's PATH and the final execve. Lookup runs before the
 * container reports ready, so `create` fails (as runc's does) when the binary is missing.
 * Raw syscalls only (see interpret.c). No fixed limit on argc/envc: the pointer arrays are
 * mapped to size, and the kernel's own E2BIG is the only bound.
 */
#include <fcntl.h>
#include <linux/limits.h>
#include <linux/stat.h>
#include <sys/mman.h>

#include "../helper/plan.h"
#include "../helper/sys.h"

#define OCI_ENOENT 2
#define OCI_E2BIG 7
#define OCI_EACCES 13
#define OCI_EPERM 1
#define OCI_EINVAL 22
#define OCI_ENOSYS 38
#define OCI_ENAMETOOLONG 36

static char exec_path[PATH_MAX];

/* Pointers to count strings packed back to back in block; none may run past end. */
static long split_block(const char *block, int64_t count, const char *end, char ***out)
{
    if (count < 0 || (uint64_t)count > ((uint64_t)1 << 28))
        return -OCI_E2BIG;
    size_t bytes = ((size_t)count + 1) * sizeof(char *);
    long mem = oci_sys6(__NR_mmap, 0, (long)bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mem < 0 && mem > -4096)
        return mem;
    char **ptrs = (char **)mem;
    for (int64_t i = 0; i < count; i++) {
        if (block >= end)
            return -OCI_EINVAL;
        size_t n = oci_strlen_within(block, end);
        if (n == (size_t)-1)
            return -OCI_EINVAL;
        ptrs[i] = (char *)block;
        block += n + 1;
    }
    ptrs[count] = 0;
    *out = ptrs;
    return 0;
}

/* access(X_OK) as the effective ids. faccessat2 may be missing or, under a seccomp profile
 * written before it existed, answer EPERM: fall back to faccessat then, as runc does. */
static long check_exec_access(const char *path)
{
    long r = oci_sys4(__NR_faccessat2, AT_FDCWD, path, 1 /* X_OK */, AT_EACCESS);
    if (r == -OCI_ENOSYS || r == -OCI_EPERM)
        r = oci_sys3(__NR_faccessat, AT_FDCWD, path, 1 /* X_OK */);
    return r;
}

static long is_executable_file(const char *path)
{
    struct statx st;
    long r = oci_sys5(__NR_statx, AT_FDCWD, path, 0, STATX_TYPE | STATX_MODE, &st);
    if (r < 0)
        return r;
    if ((st.stx_mode & 0170000) != 0100000 /* S_IFREG */)
        return -OCI_EACCES;
    return check_exec_access(path);
}

static const char *find_char(const char *s, char c)
{
    for (; *s; s++)
        if (*s == c)
            return s;
    return 0;
}

long oci_lookup(const char *argv_block, int64_t argc, const char *path_env, const char *data_end)
{
    if (argc < 1)
        return -OCI_EINVAL;
    const char *name = argv_block;
    size_t name_len = oci_strlen_within(name, data_end);
    if (name_len == (size_t)-1)
        return -OCI_EINVAL;
    if (name_len == 0)
        return -OCI_ENOENT;
    if (find_char(name, '/') != 0) {
        if (name_len >= sizeof exec_path)
            return -OCI_ENAMETOOLONG;
        oci_memcpy(exec_path, name, name_len + 1);
        return is_executable_file(exec_path);
    }

    long first_error = -OCI_ENOENT;
    const char *p = path_env ? path_env : "";
    for (;;) {
        const char *end = find_char(p, ':');
        size_t dir_len = end ? (size_t)(end - p) : oci_strlen(p);
        /* An empty PATH element means the current directory, as in execvp. */
        const char *dir = dir_len ? p : ".";
        size_t use_len = dir_len ? dir_len : 1;
        if (use_len + 1 + name_len < sizeof exec_path) {
            oci_memcpy(exec_path, dir, use_len);
            exec_path[use_len] = '/';
            oci_memcpy(exec_path + use_len + 1, name, name_len + 1);
            long r = is_executable_file(exec_path);
            if (r == 0)
                return 0;
            if (r == -OCI_EACCES)
                first_error = r;
        }
        if (!end)
            break;
        p = end + 1;
    }
    exec_path[0] = '\0';
    return first_error;
}

long oci_exec(const char *argv_block, int64_t argc, const char *envp_block, int64_t envc, const char *data_end)
{
    if (exec_path[0] == '\0')
        return -OCI_ENOENT;
    char **argv, **envp;
    long r = split_block(argv_block, argc, data_end, &argv);
    if (r < 0)
        return r;
    r = split_block(envp_block, envc, data_end, &envp);
    if (r < 0)
        return r;
    return oci_sys3(__NR_execve, exec_path, argv, envp);
}
