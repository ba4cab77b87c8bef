/*
 * argv[0] lookup along the container's PATH and the final execve. Lookup runs before the
 * container reports ready, so `create` fails (as runc's does) when the binary is missing.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "plan.h"

static char exec_path[PATH_MAX];
static char *argv_ptrs[OCI_MAX_ARGV + 1];
static char *envp_ptrs[OCI_MAX_ARGV + 1];

static int split_block(const char *block, int64_t count, char **out)
{
    if (count < 0 || count > OCI_MAX_ARGV) {
        errno = E2BIG;
        return -1;
    }
    for (int64_t i = 0; i < count; i++) {
        out[i] = (char *)block;
        block += strlen(block) + 1;
    }
    out[count] = NULL;
    return 0;
}

static int is_executable_file(const char *path)
{
    struct stat st;
    if (stat(path, &st) < 0)
        return -1;
    if (!S_ISREG(st.st_mode)) {
        errno = EACCES;
        return -1;
    }
    return faccessat(AT_FDCWD, path, X_OK, AT_EACCESS);
}

int oci_lookup(const char *argv_block, int64_t argc, const char *path_env)
{
    if (argc < 1) {
        errno = EINVAL;
        return -1;
    }
    const char *name = argv_block;
    size_t name_len = strlen(name);
    if (name_len == 0) {
        errno = ENOENT;
        return -1;
    }
    if (strchr(name, '/') != NULL) {
        if (name_len >= sizeof exec_path) {
            errno = ENAMETOOLONG;
            return -1;
        }
        memcpy(exec_path, name, name_len + 1);
        return is_executable_file(exec_path);
    }

    int first_error = ENOENT;
    const char *p = path_env ? path_env : "";
    for (;;) {
        const char *end = strchr(p, ':');
        size_t dir_len = end ? (size_t)(end - p) : strlen(p);
        /* An empty PATH element means the current directory, as in execvp. */
        const char *dir = dir_len ? p : ".";
        size_t use_len = dir_len ? dir_len : 1;
        if (use_len + 1 + name_len < sizeof exec_path) {
            memcpy(exec_path, dir, use_len);
            exec_path[use_len] = '/';
            memcpy(exec_path + use_len + 1, name, name_len + 1);
            if (is_executable_file(exec_path) == 0)
                return 0;
            if (errno == EACCES)
                first_error = EACCES;
        }
        if (!end)
            break;
        p = end + 1;
    }
    exec_path[0] = '\0';
    errno = first_error;
    return -1;
}

int oci_exec(const char *argv_block, int64_t argc, const char *envp_block, int64_t envc)
{
    if (exec_path[0] == '\0') {
        errno = ENOENT;
        return -1;
    }
    if (split_block(argv_block, argc, argv_ptrs) < 0 || split_block(envp_block, envc, envp_ptrs) < 0)
        return -1;
    syscall(SYS_execve, exec_path, argv_ptrs, envp_ptrs);
    return -1;
}
