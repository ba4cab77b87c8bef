/* The suite's pod sandbox: what Kubernetes' pause container does, built here because there is no
 * registry. PID 1 of the pod: waits for signals, exits 0 on SIGTERM/SIGINT, and reaps children
 * re-parented to it (with a shared pid namespace every container's orphans land here). */
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

static void stop(int sig) { (void)sig; _exit(0); }
static void reap(int sig) { (void)sig; while (waitpid(-1, 0, WNOHANG) > 0) { } }

int main(void)
{
    struct sigaction term = { .sa_handler = stop }, child = { .sa_handler = reap, .sa_flags = SA_NOCLDSTOP | SA_RESTART };
    sigaction(SIGTERM, &term, 0);
    sigaction(SIGINT, &term, 0);
    sigaction(SIGCHLD, &child, 0);
    for (;;) pause();
}
