/* runstat: run a command and report the CPU and memory it used, for the hornet benchmark.
 *
 *   runstat [-s SECONDS]... [-r SECONDS] -- COMMAND [ARG...]
 *
 * Forks and execs COMMAND (in its own process group), waits for it with wait4 and prints, on
 * stderr (COMMAND keeps stdout):
 *   runstat wall_s=W user_s=U sys_s=S maxrss_kb=K status=X
 * from the child's struct rusage (microsecond CPU times; ru_maxrss is the peak RSS, VmHWM).
 * Each -s SECONDS adds a sample that many seconds after the start, read from /proc/PID/stat
 * and /proc/PID/status:
 *   runstat sample t=UNIX_TIME cpu_s=USER+SYS rss_kb=VmRSS
 * (clock-tick resolution; for a CPU figure over the steady part of a run, between two samples,
 * excluding start-up and ramp-up). -r SECONDS additionally samples VmRSS every that many
 * seconds. Exits with the child's status. Linux only. Built by tests/bench/bench.sh. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_SAMPLES 64

static double now_mono(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double now_unix(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* utime + stime of pid in seconds from /proc/PID/stat; -1 when gone. */
static double proc_cpu(pid_t pid)
{
    char path[64], buf[2048], *p;
    unsigned long long ut = 0, st = 0;
    FILE *f;
    size_t n;

    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    if (!(f = fopen(path, "r")))
        return -1;
    n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    if (!(p = strrchr(buf, ')')))
        return -1;
    /* after "pid (comm)": state is field 3; utime and stime are fields 14 and 15 */
    if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
        return -1;
    return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* A "Name:   N kB" field of /proc/PID/status in kB; -1 when gone. */
static long proc_status_kb(pid_t pid, const char *name)
{
    char path[64], line[256];
    size_t len = strlen(name);
    long kb = -1;
    FILE *f;

    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    if (!(f = fopen(path, "r")))
        return -1;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, name, len) == 0 && line[len] == ':')
            kb = strtol(line + len + 1, NULL, 10);
    fclose(f);
    return kb;
}

static void sample(pid_t pid)
{
    double t = now_unix(), cpu = proc_cpu(pid);
    long rss = proc_status_kb(pid, "VmRSS");

    if (cpu >= 0)
        fprintf(stderr, "runstat sample t=%.3f cpu_s=%.2f rss_kb=%ld\n", t, cpu, rss);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

static int usage(void)
{
    fprintf(stderr, "usage: runstat [-s SECONDS]... [-r SECONDS] -- COMMAND [ARG...]\n");
    return 2;
}

/* Sleep until the child exits or `until` (monotonic) passes; 1 when it exited. */
static int wait_until(pid_t pid, double until, int *status, struct rusage *ru)
{
    for (;;) {
        pid_t r = wait4(pid, status, WNOHANG, ru);
        double left = until - now_mono();

        if (r == pid)
            return 1;
        if (r < 0 && errno != EINTR)
            return 1;
        if (left <= 0)
            return 0;
        usleep(left > 0.02 ? 20000 : (useconds_t)(left * 1e6));
    }
}

int main(int argc, char **argv)
{
    double at[MAX_SAMPLES], every = 0, start, next_rss;
    int n_at = 0, i = 1, status = 0, k = 0;
    struct rusage ru;
    pid_t pid;

    for (; i < argc && strcmp(argv[i], "--") != 0; i += 2) {
        if (i + 1 >= argc)
            return usage();
        if (strcmp(argv[i], "-s") == 0 && n_at < MAX_SAMPLES)
            at[n_at++] = atof(argv[i + 1]);
        else if (strcmp(argv[i], "-r") == 0)
            every = atof(argv[i + 1]);
        else
            return usage();
    }
    if (i + 1 >= argc)
        return usage();
    qsort(at, (size_t)n_at, sizeof *at, cmp_double);
    start = now_mono();
    if ((pid = fork()) < 0)
        return perror("fork"), 1;
    if (pid == 0) {
        setpgid(0, 0);
        execvp(argv[i + 1], argv + i + 1);
        perror(argv[i + 1]);
        _exit(127);
    }
    memset(&ru, 0, sizeof ru);
    next_rss = every > 0 ? start + every : 1e300;
    for (;;) {
        double next = k < n_at ? start + at[k] : 1e300;
        double until = next < next_rss ? next : next_rss;
        if (wait_until(pid, until, &status, &ru))
            break;
        if (until == next) {
            sample(pid);
            k++;
        } else {
            fprintf(stderr, "runstat rss t=%.3f rss_kb=%ld\n", now_unix(),
                    proc_status_kb(pid, "VmRSS"));
            next_rss += every;
        }
    }
    fprintf(stderr, "runstat wall_s=%.3f user_s=%.6f sys_s=%.6f maxrss_kb=%ld status=%d\n",
            now_mono() - start, (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6,
            (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6, ru.ru_maxrss,
            WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
