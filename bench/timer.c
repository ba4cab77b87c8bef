/*
 * bench/timer.c: the interleaved timer behind `make bench` and `make bench-quick`.
 *
 *   timer [-n RUNS] [-w WARMUP] [-e STDERR_LOG] PLAN > result.json
 *
 * PLAN holds blocks separated by blank lines; each line is `LABEL NS ARGV...` (split on spaces;
 * `{i}` in an argument becomes the iteration number). LABEL `-` runs the command untimed (setup,
 * cleanup) in every iteration; `^` runs it once before the first iteration and `$` once after the
 * last (long-lived containers that exec and state are timed against). NS 1 runs it inside a private mount namespace where cgroup2 is mounted on
 * /sys/fs/cgroup (crun 1.8.1 refuses the hybrid host otherwise; the host's mounts stay untouched),
 * NS 0 in the caller's. Every iteration runs every block once, starting at block (i mod nblocks),
 * so each runtime's commands sit next to the others' and the drift of a shared machine hits all
 * alike; hyperfine times one command after the other, which cannot give paired samples.
 *
 * Per timed command: wall time from fork to wait4 (CLOCK_MONOTONIC) and ru_maxrss from wait4
 * (the peak RSS of the command and of the children it reaped), and its user + system CPU time
 * (with the reaped children's), which a loaded machine disturbs much less than wall time.
 * Output: one JSON object, label -> {"us": [...], "rss_kb": [...], "cpu_us": [...], "failed": N}, samples in iteration order (pairs line up).
 * Warmup iterations are run and dropped. Exit status 1 if any timed command failed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_LINES 512
#define MAX_ARGS 64

struct line { char *label; int ns; int argc; char *argv[MAX_ARGS]; int block; };
struct series { char *label; long *us; long *rss; long *cpu; int n; int failed; };

static struct line lines[MAX_LINES];
static int nlines, nblocks;
static struct series series[MAX_LINES];
static int nseries;
static int mntns = -1;
static int errfd = -1;

static void die(const char *what) { fprintf(stderr, "timer: %s: %s\n", what, strerror(errno)); exit(2); }

static struct series *find_series(const char *label, int runs)
{
    for (int i = 0; i < nseries; i++)
        if (strcmp(series[i].label, label) == 0) return &series[i];
    struct series *s = &series[nseries++];
    s->label = strdup(label);
    s->us = calloc(runs, sizeof(long));
    s->rss = calloc(runs, sizeof(long));
    s->cpu = calloc(runs, sizeof(long));
    return s;
}

static void read_plan(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) die(path);
    char buf[8192];
    int block = 0, in_block = 0;
    while (fgets(buf, sizeof buf, f)) {
        buf[strcspn(buf, "\n")] = 0;
        if (buf[0] == 0) { if (in_block) { block++; in_block = 0; } continue; }
        if (buf[0] == '#') continue;
        if (nlines == MAX_LINES) { fprintf(stderr, "timer: too many lines\n"); exit(2); }
        struct line *l = &lines[nlines++];
        char *save, *tok = strtok_r(strdup(buf), " ", &save);
        l->label = tok;
        tok = strtok_r(NULL, " ", &save);
        l->ns = tok && tok[0] == '1';
        while ((tok = strtok_r(NULL, " ", &save)) && l->argc < MAX_ARGS - 1) l->argv[l->argc++] = tok;
        if (l->argc == 0) { fprintf(stderr, "timer: no command in line: %s\n", buf); exit(2); }
        l->block = block;
        in_block = 1;
    }
    nblocks = block + in_block;
    fclose(f);
}

/* A mount namespace kept alive by an fd: made by a short-lived child, entered by each NS 1 command. */
static void make_mount_ns(void)
{
    int p[2];
    if (pipe(p)) die("pipe");
    pid_t pid = fork();
    if (pid < 0) die("fork");
    if (pid == 0) {
        close(p[0]);
        if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL)
            || mount("none", "/sys/fs/cgroup", "cgroup2", 0, NULL)) {
            fprintf(stderr, "timer: private mount namespace with cgroup2 on /sys/fs/cgroup: %s\n", strerror(errno));
            _exit(1);
        }
        if (write(p[1], "k", 1) != 1) _exit(1);
        pause();
        _exit(0);
    }
    close(p[1]);
    char c;
    if (read(p[0], &c, 1) != 1) { fprintf(stderr, "timer: the namespace child failed\n"); exit(2); }
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/ns/mnt", pid);
    mntns = open(path, O_RDONLY | O_CLOEXEC);
    if (mntns < 0) die(path);
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    close(p[0]);
}

static int run_line(struct line *l, int iter, long *us, long *rss, long *cpu)
{
    char *argv[MAX_ARGS];
    char num[16];
    snprintf(num, sizeof num, "%d", iter);
    char *owned[MAX_ARGS] = {0};
    for (int a = 0; a < l->argc; a++) {
        char *at = strstr(l->argv[a], "{i}");
        if (!at) { argv[a] = l->argv[a]; continue; }
        size_t pre = (size_t)(at - l->argv[a]);
        owned[a] = malloc(strlen(l->argv[a]) + sizeof num);
        sprintf(owned[a], "%.*s%s%s", (int)pre, l->argv[a], num, at + 3);
        argv[a] = owned[a];
    }
    argv[l->argc] = NULL;

    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid_t pid = fork();
    if (pid < 0) die("fork");
    if (pid == 0) {
        if (l->ns && setns(mntns, CLONE_NEWNS)) _exit(126);
        int null = open("/dev/null", O_RDWR);
        dup2(null, 0);
        dup2(null, 1);
        dup2(errfd >= 0 ? errfd : null, 2);
        execv(argv[0], argv);
        _exit(127);
    }
    int status;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) < 0) die("wait4");
    clock_gettime(CLOCK_MONOTONIC, &t1);
    *us = (t1.tv_sec - t0.tv_sec) * 1000000L + (t1.tv_nsec - t0.tv_nsec) / 1000;
    *rss = ru.ru_maxrss;
    *cpu = ru.ru_utime.tv_sec * 1000000L + ru.ru_utime.tv_usec + ru.ru_stime.tv_sec * 1000000L + ru.ru_stime.tv_usec;
    for (int a = 0; a < l->argc; a++) free(owned[a]);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
    int runs = 10, warmup = 2, opt;
    while ((opt = getopt(argc, argv, "n:w:e:")) != -1) {
        if (opt == 'n') runs = atoi(optarg);
        else if (opt == 'w') warmup = atoi(optarg);
        else if (opt == 'e') { errfd = open(optarg, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644); if (errfd < 0) die(optarg); }
        else { fprintf(stderr, "usage: timer [-n RUNS] [-w WARMUP] [-e STDERR_LOG] PLAN\n"); return 2; }
    }
    if (optind != argc - 1 || runs < 1) { fprintf(stderr, "usage: timer [-n RUNS] [-w WARMUP] [-e STDERR_LOG] PLAN\n"); return 2; }
    read_plan(argv[optind]);
    for (int i = 0; i < nlines; i++)
        if (lines[i].ns && mntns < 0) make_mount_ns();
    for (int i = 0; i < nlines; i++)
        if (strchr("-^$", lines[i].label[0]) == NULL) find_series(lines[i].label, runs);

    long us0, rss0, cpu0;
    for (int i = 0; i < nlines; i++)
        if (strcmp(lines[i].label, "^") == 0 && run_line(&lines[i], 0, &us0, &rss0, &cpu0))
            fprintf(stderr, "timer: setup failed: %s %s\n", lines[i].argv[0], lines[i].argc > 1 ? lines[i].argv[lines[i].argc - 1] : "");

    int failed = 0;
    for (int iter = 0; iter < warmup + runs; iter++) {
        int sample = iter - warmup;
        for (int k = 0; k < nblocks; k++) {
            int b = (k + iter) % nblocks;
            for (int i = 0; i < nlines; i++) {
                if (lines[i].block != b || lines[i].label[0] == '^' || lines[i].label[0] == '$') continue;
                long us, rss, cpu;
                int rc = run_line(&lines[i], iter, &us, &rss, &cpu);
                if (lines[i].label[0] == '-' || sample < 0) continue;
                struct series *s = find_series(lines[i].label, runs);
                s->us[sample] = us;
                s->rss[sample] = rss;
                s->cpu[sample] = cpu;
                s->n = sample + 1;
                if (rc) {
                    if (!s->failed) fprintf(stderr, "timer: %s failed (iteration %d): %s\n", s->label, iter, lines[i].argv[0]);
                    s->failed++;
                    failed = 1;
                }
            }
        }
        if (isatty(2)) fprintf(stderr, "\rtimer: %d/%d", iter + 1, warmup + runs);
    }
    if (isatty(2)) fprintf(stderr, "\n");
    for (int i = 0; i < nlines; i++)
        if (strcmp(lines[i].label, "$") == 0) run_line(&lines[i], 0, &us0, &rss0, &cpu0);

    printf("{");
    for (int i = 0; i < nseries; i++) {
        struct series *s = &series[i];
        printf("%s\n\"%s\":{\"failed\":%d,\"us\":[", i ? "," : "", s->label, s->failed);
        for (int j = 0; j < s->n; j++) printf("%s%ld", j ? "," : "", s->us[j]);
        printf("],\"rss_kb\":[");
        for (int j = 0; j < s->n; j++) printf("%s%ld", j ? "," : "", s->rss[j]);
        printf("],\"cpu_us\":[");
        for (int j = 0; j < s->n; j++) printf("%s%ld", j ? "," : "", s->cpu[j]);
        printf("]}");
    }
    printf("\n}\n");
    return failed;
}
