/*
 * subreaper-run CMD [ARG...]: runs CMD as a child subreaper would (containerd's shim, conmon):
 * processes orphaned below it become its children. It waits for CMD only, then prints how many
 * of its remaining children are zombies ("zombies=N") before reaping them, and exits with CMD's
 * status. A runtime that leaves an unreaped child behind shows up as zombies > 0.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static int zombie_children(void)
{
    int n = 0;
    DIR *d = opendir("/proc");
    struct dirent *e;
    while (d && (e = readdir(d))) {
        char path[300], buf[512];
        if (e->d_name[0] < '0' || e->d_name[0] > '9')
            continue;
        snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
        FILE *f = fopen(path, "r");
        if (!f)
            continue;
        size_t len = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        buf[len] = '\0';
        char *p = strrchr(buf, ')');
        char state;
        int ppid;
        if (p && sscanf(p + 2, "%c %d", &state, &ppid) == 2 && state == 'Z' && ppid == getpid())
            n++;
    }
    if (d)
        closedir(d);
    return n;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: subreaper-run CMD [ARG...]\n");
        return 2;
    }
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    pid_t pid = fork();
    if (pid == 0) {
        execvp(argv[1], argv + 1);
        _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    usleep(100 * 1000); /* let orphans be re-parented here */
    printf("zombies=%d\n", zombie_children());
    fflush(stdout);
    while (waitpid(-1, NULL, WNOHANG) > 0)
        ;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
