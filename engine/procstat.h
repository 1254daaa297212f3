/* procstat: sampling local processes and the host from /proc (Linux), for a run on the
 * server's own terminal: the processes of a service matched by name (all gunicorn workers) or
 * by a pid file, summed (CPU %, RSS, threads, open files), and the host's CPU busy %, memory
 * and load averages.
 *
 * Two layers: pure parsers of each /proc file's text (tests feed them fixture text), and
 * samplers that read the files under a /proc root (normally "/proc"; tests point it at a
 * fixture tree). Rates (CPU %) are pure functions of two samples; the caller's clock goes in
 * each sample. No state between calls; any thread. */
#ifndef HORNET_PROCSTAT_H
#define HORNET_PROCSTAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* --- parsers (pure) --- */

/* What /proc/PID/stat says about a process. */
struct procstat_pid {
    int pid, ppid;
    char comm[16];              /* the kernel's name: the executable's basename, at most 15
                                   bytes, NUL-terminated */
    char state;                 /* R, S, D, Z, ... */
    uint64_t utime, stime;      /* CPU time in user and kernel mode, clock ticks */
    uint32_t threads;
    uint64_t start;             /* start time, clock ticks after boot (with pid: identity) */
    uint64_t vsize;             /* virtual memory size, bytes */
    uint64_t rss_pages;         /* resident set size in pages */
};




/* Host CPU time summed over every CPU, clock ticks (the "cpu" line of /proc/stat). */
struct procstat_cpu {
    uint64_t busy;              /* user + nice + system + irq + softirq + steal */
    uint64_t total;             /* busy + idle + iowait */
    uint32_t ncpu;              /* "cpuN" lines seen */
};

/* Host memory from /proc/meminfo, bytes. available is MemAvailable (Linux >= 3.14), else
 * MemFree + Buffers + Cached; used = total - available. 0, or -1 without MemTotal. */
struct procstat_mem {
    uint64_t total, available, used;
};

/* /proc/loadavg: "0.52 0.58 0.59 2/634 12345". 0, or -1. */
struct procstat_load {
    double load1, load5, load15;
    uint32_t running, tasks;    /* runnable and total scheduling entities */
};

/* --- readers --- */

/* Read and parse proc_root/DIR/stat, DIR a pid, "self" or "thread-self" (the calling thread:
 * its CPU time alone; memory is the process's). 0, or -1 (errno set, or EINVAL). */
int procstat_read_pid(const char *proc_root, const char *dir, struct procstat_pid *out);

/* Count the entries of proc_root/DIR/fd (the open files). 0, or -1 (errno: EACCES when not
 * readable). */
int procstat_count_fds(const char *proc_root, const char *dir, uint32_t *out);

/* --- samplers --- */

/* Processes whose CPU time is tracked per pid from one sample to the next (more matching
 * processes are still counted and summed; CPU % then covers the first ones by pid). */
enum { PROCSTAT_TRACK_MAX = 256 };

/* Which processes form a service: by name, or by the pid in a pid file (with its direct
 * children when `children`: a gunicorn or Celery master and its workers). */
struct procstat_match {
    const char *name;           /* NULL: use pid_file */
    const char *pid_file;
    bool children;
};

struct procstat_entry {
    int pid;
    uint64_t start;             /* with pid: a process's identity (pids are reused) */
    uint64_t ticks;             /* utime + stime */
};

/* The matching processes at one moment, summed. */
struct procstat_sample {
    double t;                   /* the caller's clock when taken, seconds */
    uint32_t procs;             /* matching processes */
    uint64_t rss_bytes;
    uint32_t threads;
    uint32_t open_files;        /* entries of /proc/PID/fd over the readable ones */
    uint32_t fd_denied;         /* processes whose fd directory was not readable (EACCES: not
                                   ours and not root) */
    uint32_t tracked;           /* entries in pids[] */
    struct procstat_entry pids[PROCSTAT_TRACK_MAX];     /* ascending pid */
};

/* Sample the processes matching m under proc_root ("/proc") at time now (the caller's
 * clock). No match is not an error (procs = 0). -1 with a message when proc_root cannot be
 * listed or the pid file cannot be read or holds no pid. */
int procstat_sample_procs(const struct procstat_match *m, const char *proc_root, double now,
                          struct procstat_sample *out, char *err, size_t errlen);

/* CPU use of the matched processes between two samples, in % of one CPU (a process using two
 * cores fully is 200%), as top shows it: the CPU ticks each process (same pid and start time
 * in both) spent meanwhile, over the elapsed time. A process that appeared meanwhile counts
 * from the next interval on. ticks_per_s: sysconf(_SC_CLK_TCK). NaN when cur->t <= prev->t. */
double procstat_cpu_percent(const struct procstat_sample *prev, const struct procstat_sample *cur,
                            long ticks_per_s);

/* The host at one moment. */
struct procstat_host {
    double t;                   /* the caller's clock, seconds */
    struct procstat_cpu cpu;
    struct procstat_mem mem;
    struct procstat_load load;
};

/* Read /proc/stat, /proc/meminfo and /proc/loadavg under proc_root. 0, or -1 with a message. */
int procstat_sample_host(const char *proc_root, double now, struct procstat_host *out, char *err,
                         size_t errlen);

/* Host CPU busy % between two samples, 0..100 of all CPUs together. NaN when no tick passed. */
double procstat_host_cpu_percent(const struct procstat_host *prev,
                                 const struct procstat_host *cur);

#endif
