/* procstat: parsers of /proc/PID/stat, /proc/PID/cmdline, /proc/stat, /proc/meminfo and
 * /proc/loadavg, the samplers that read them under a /proc root, and CPU % from two samples.
 * No state; the caller's thread. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "procstat.h"
#include "procstat_internal.h"

/* --- parsing helpers --- */

static const char *skip_spaces(const char *p, const char *e)
{
    while (p < e && (*p == ' ' || *p == '\t'))
        p++;
    return p;
}

/* A decimal integer (optionally negative) at p; the position after it, or NULL. */
static const char *read_int(const char *p, const char *e, int64_t *out)
{
    bool neg = false;
    uint64_t v = 0;
    const char *start;

    p = skip_spaces(p, e);
    if (p < e && *p == '-')
        neg = true, p++;
    for (start = p; p < e && *p >= '0' && *p <= '9'; p++) {
        if (v > (UINT64_MAX - 9) / 10)
            return NULL;
        v = v * 10 + (uint64_t)(*p - '0');
    }
    if (p == start)
        return NULL;
    *out = neg ? -(int64_t)v : (int64_t)v;
    return p;
}

static const char *read_u64(const char *p, const char *e, uint64_t *out)
{
    int64_t v;

    p = read_int(p, e, &v);
    if (!p || v < 0)
        return NULL;
    *out = (uint64_t)v;
    return p;
}

/* A non-negative decimal with up to 6 decimals ("0.52"), rounded as strtod rounds it: one
 * division of two exact integers. */
static const char *read_decimal(const char *p, const char *e, double *out)
{
    int64_t whole;
    uint64_t scaled, scale = 1;

    if (!(p = read_int(p, e, &whole)) || whole < 0 || whole > 1000000000)
        return NULL;
    scaled = (uint64_t)whole;
    if (p < e && *p == '.') {
        for (p++; p < e && *p >= '0' && *p <= '9' && scale < 1000000; p++, scale *= 10)
            scaled = scaled * 10 + (uint64_t)(*p - '0');
        while (p < e && *p >= '0' && *p <= '9')
            p++;                /* beyond a microunit: dropped */
    }
    *out = (double)scaled / (double)scale;
    return p;
}

/* --- parsers --- */

enum {
    F_STATE = 3, F_PPID = 4, F_UTIME = 14, F_STIME = 15, F_THREADS = 20, F_START = 22,
    F_VSIZE = 23, F_RSS = 24
};

int procstat_parse_pid(const char *text, size_t len, struct procstat_pid *out)
{
    const char *e = text + len, *open = memchr(text, '(', len), *close = NULL, *p;
    int64_t pid, v;

    for (p = e; p > text; p--) {
        if (p[-1] == ')') {
            close = p - 1;
            break;
        }
    }
    if (!open || !close || close < open || !read_int(text, open, &pid) || pid <= 0)
        return -1;
    *out = (struct procstat_pid){.pid = (int)pid};
    snprintf(out->comm, sizeof out->comm, "%.*s", (int)(close - open - 1), open + 1);
    p = skip_spaces(close + 1, e);
    if (p == e)
        return -1;
    out->state = *p++;
    for (int field = F_STATE + 1; field <= F_RSS; field++) {
        if (!(p = read_int(p, e, &v)))
            return -1;
        if (field == F_PPID)
            out->ppid = (int)v;
        else if (field == F_UTIME)
            out->utime = (uint64_t)(v < 0 ? 0 : v);
        else if (field == F_STIME)
            out->stime = (uint64_t)(v < 0 ? 0 : v);
        else if (field == F_THREADS)
            out->threads = (uint32_t)(v < 0 ? 0 : v);
        else if (field == F_START)
            out->start = (uint64_t)(v < 0 ? 0 : v);
        else if (field == F_VSIZE)
            out->vsize = (uint64_t)(v < 0 ? 0 : v);
        else if (field == F_RSS)
            out->rss_pages = (uint64_t)(v < 0 ? 0 : v);
    }
    return 0;
}

size_t procstat_parse_argv0(const char *text, size_t len, char *out, size_t outsz)
{
    const char *nul = memchr(text, '\0', len), *space, *slash = NULL;
    size_t n = nul ? (size_t)(nul - text) : len;

    space = memchr(text, ' ', n);           /* a setproctitle title: "gunicorn: worker [x]" */
    n = space ? (size_t)(space - text) : n;
    for (size_t i = 0; i < n; i++) {
        if (text[i] == '/')
            slash = text + i;
    }
    if (slash) {
        n -= (size_t)(slash + 1 - text);
        text = slash + 1;
    }
    if (outsz == 0)
        return 0;
    n = n < outsz - 1 ? n : outsz - 1;
    memcpy(out, text, n);
    out[n] = '\0';
    return n;
}

bool procstat_name_matches(const char *name, const char *comm, const char *argv0)
{
    size_t n = strlen(name);

    if (!n)
        return false;
    if (!strcmp(comm, name) || (n > 15 && strlen(comm) == 15 && !strncmp(comm, name, 15)))
        return true;
    if (!strncmp(argv0, name, n) && (argv0[n] == '\0' || argv0[n] == ':'))
        return true;
    return false;
}

int procstat_parse_cpu(const char *text, size_t len, struct procstat_cpu *out)
{
    const char *e = text + len, *p = text;
    uint64_t v[8] = {0};
    int fields = 0;

    *out = (struct procstat_cpu){0};
    while (p < e) {
        const char *nl = memchr(p, '\n', (size_t)(e - p)), *end = nl ? nl : e;
        if (end - p > 4 && !memcmp(p, "cpu ", 4)) {
            const char *q = p + 4;
            /* user nice system idle iowait irq softirq steal (Linux 2.6.11+: all eight) */
            for (fields = 0; fields < 8 && (q = read_u64(q, end, &v[fields])); fields++)
                ;
        } else if (end - p > 3 && !memcmp(p, "cpu", 3) && p[3] >= '0' && p[3] <= '9') {
            out->ncpu++;
        }
        p = end + (nl != NULL);
    }
    if (fields < 4)
        return -1;
    out->busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
    out->total = out->busy + v[3] + v[4];
    return 0;
}

int procstat_parse_meminfo(const char *text, size_t len, struct procstat_mem *out)
{
    static const char *const keys[] = {"MemTotal:", "MemAvailable:", "MemFree:", "Buffers:",
                                       "Cached:"};
    uint64_t kb[5] = {0};
    bool seen[5] = {false};
    const char *e = text + len, *p = text;

    while (p < e) {
        const char *nl = memchr(p, '\n', (size_t)(e - p)), *end = nl ? nl : e;
        for (int k = 0; k < 5; k++) {
            size_t n = strlen(keys[k]);
            if ((size_t)(end - p) > n && !memcmp(p, keys[k], n) && read_u64(p + n, end, &kb[k]))
                seen[k] = true;
        }
        p = end + (nl != NULL);
    }
    if (!seen[0])
        return -1;
    out->total = kb[0] * 1024;
    out->available = (seen[1] ? kb[1] : kb[2] + kb[3] + kb[4]) * 1024;
    if (out->available > out->total)
        out->available = out->total;
    out->used = out->total - out->available;
    return 0;
}

int procstat_parse_loadavg(const char *text, size_t len, struct procstat_load *out)
{
    const char *e = text + len, *p = text;
    uint64_t running, tasks;

    if (!(p = read_decimal(p, e, &out->load1)) || !(p = read_decimal(p, e, &out->load5)) ||
        !(p = read_decimal(p, e, &out->load15)) || !(p = read_u64(p, e, &running)) ||
        p == e || *p != '/' || !read_u64(p + 1, e, &tasks))
        return -1;
    out->running = (uint32_t)running;
    out->tasks = (uint32_t)tasks;
    return 0;
}

/* --- reading files --- */

/* Read up to size - 1 bytes of a file into buf (NUL-terminated). The length, or -1 (errno). */
static ssize_t read_path(const char *path, char *buf, size_t size)
{
    size_t n = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC), saved;

    if (fd < 0)
        return -1;
    while (n < size - 1) {
        ssize_t k = read(fd, buf + n, size - 1 - n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            saved = errno;
            close(fd);
            errno = saved;
            return -1;
        }
        if (k == 0)
            break;
        n += (size_t)k;
    }
    close(fd);
    buf[n] = '\0';
    return (ssize_t)n;
}

/* The same for root/rel. */
static ssize_t read_text(const char *root, const char *rel, char *buf, size_t size)
{
    char path[512];

    snprintf(path, sizeof path, "%s/%s", root, rel);
    return read_path(path, buf, size);
}

int procstat_count_fds(const char *proc_root, const char *dir, uint32_t *out)
{
    char path[512];
    DIR *d;
    struct dirent *de;
    uint32_t n = 0;

    snprintf(path, sizeof path, "%s/%s/fd", proc_root, dir);
    if (!(d = opendir(path)))
        return -1;
    while ((de = readdir(d))) {
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
            n++;
    }
    closedir(d);
    *out = n;
    return 0;
}

/* Entries of root/PID/fd; *denied set when the directory is not readable. */
static uint32_t count_fds(const char *root, int pid, bool *denied)
{
    char dir[16];
    uint32_t n = 0;

    snprintf(dir, sizeof dir, "%d", pid);
    *denied = procstat_count_fds(root, dir, &n) && (errno == EACCES || errno == EPERM);
    return n;
}

static void add_process(struct procstat_sample *s, const char *root, const struct procstat_pid *p)
{
    bool denied;
    long page = sysconf(_SC_PAGESIZE);

    s->procs++;
    s->rss_bytes += p->rss_pages * (uint64_t)(page > 0 ? page : 4096);
    s->threads += p->threads;
    s->open_files += count_fds(root, p->pid, &denied);
    s->fd_denied += denied;
    if (s->tracked < PROCSTAT_TRACK_MAX)
        s->pids[s->tracked++] = (struct procstat_entry){p->pid, p->start, p->utime + p->stime};
}

int procstat_read_pid(const char *proc_root, const char *dir, struct procstat_pid *out)
{
    char rel[64], buf[1024];
    ssize_t n;

    snprintf(rel, sizeof rel, "%s/stat", dir);
    n = read_text(proc_root, rel, buf, sizeof buf);
    if (n < 0)
        return -1;
    if (procstat_parse_pid(buf, (size_t)n, out)) {
        errno = EINVAL;
        return -1;
    }
    return 0;
}

static int read_pid(const char *root, int pid, struct procstat_pid *out)
{
    char dir[16];

    snprintf(dir, sizeof dir, "%d", pid);
    return procstat_read_pid(root, dir, out);
}

/* The pid in a pid file (first integer; blanks and a line feed around it). */
static int read_pid_file(const char *path, int *pid, char *err, size_t errlen)
{
    char buf[64];
    ssize_t n = read_path(path, buf, sizeof buf);
    int64_t v;
    const char *p;

    if (n < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    p = buf;
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
    if (!read_int(p, buf + n, &v) || v <= 0 || v > INT32_MAX) {
        snprintf(err, errlen, "%s: expected a process id, got '%.20s'", path, buf);
        return -1;
    }
    *pid = (int)v;
    return 0;
}

static bool matches(const struct procstat_match *m, const char *root, const struct procstat_pid *p,
                    int target)
{
    char rel[32], buf[4096], argv0[256];
    ssize_t n;

    if (!m->name)
        return p->pid == target || (m->children && p->ppid == target);
    if (procstat_name_matches(m->name, p->comm, ""))
        return true;
    snprintf(rel, sizeof rel, "%d/cmdline", p->pid);
    n = read_text(root, rel, buf, sizeof buf);
    if (n <= 0)
        return false;
    procstat_parse_argv0(buf, (size_t)n, argv0, sizeof argv0);
    return procstat_name_matches(m->name, "", argv0);
}

static int by_pid(const void *a, const void *b)
{
    const struct procstat_entry *x = a, *y = b;

    return (x->pid > y->pid) - (x->pid < y->pid);
}

static bool all_digits(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return false;
    }
    return true;
}

int procstat_sample_procs(const struct procstat_match *m, const char *proc_root, double now,
                          struct procstat_sample *out, char *err, size_t errlen)
{
    struct procstat_pid p;
    struct dirent *de;
    DIR *d;
    int target = 0;

    out->t = now;
    out->procs = out->threads = out->open_files = out->fd_denied = out->tracked = 0;
    out->rss_bytes = 0;
    if (!m->name && !m->pid_file) {
        snprintf(err, errlen, "no process name or pid file");
        return -1;
    }
    if (!m->name && read_pid_file(m->pid_file, &target, err, errlen))
        return -1;
    if (!m->name && !m->children) {
        if (read_pid(proc_root, target, &p) == 0)
            add_process(out, proc_root, &p);
        return 0;
    }
    if (!(d = opendir(proc_root))) {
        snprintf(err, errlen, "%s: %s", proc_root, strerror(errno));
        return -1;
    }
    while ((de = readdir(d))) {
        if (all_digits(de->d_name) && read_pid(proc_root, atoi(de->d_name), &p) == 0 &&
            matches(m, proc_root, &p, target))
            add_process(out, proc_root, &p);
    }
    closedir(d);
    qsort(out->pids, out->tracked, sizeof out->pids[0], by_pid);
    return 0;
}

double procstat_cpu_percent(const struct procstat_sample *prev, const struct procstat_sample *cur,
                            long ticks_per_s)
{
    double dt = cur->t - prev->t;
    uint64_t ticks = 0;

    if (!(dt > 0) || ticks_per_s <= 0)
        return NAN;
    for (uint32_t i = 0; i < cur->tracked; i++) {
        const struct procstat_entry *c = &cur->pids[i];
        const struct procstat_entry *o = bsearch(c, prev->pids, prev->tracked, sizeof *c, by_pid);
        if (o && o->start == c->start && c->ticks >= o->ticks)
            ticks += c->ticks - o->ticks;
    }
    return (double)ticks / (double)ticks_per_s / dt * 100.0;
}

int procstat_sample_host(const char *proc_root, double now, struct procstat_host *out, char *err,
                         size_t errlen)
{
    char buf[16384];
    ssize_t n;
    const char *what = NULL;

    out->t = now;
    if ((n = read_text(proc_root, "stat", buf, sizeof buf)) < 0 ||
        procstat_parse_cpu(buf, (size_t)n, &out->cpu))
        what = "stat";
    else if ((n = read_text(proc_root, "meminfo", buf, sizeof buf)) < 0 ||
             procstat_parse_meminfo(buf, (size_t)n, &out->mem))
        what = "meminfo";
    else if ((n = read_text(proc_root, "loadavg", buf, sizeof buf)) < 0 ||
             procstat_parse_loadavg(buf, (size_t)n, &out->load))
        what = "loadavg";
    if (what)
        snprintf(err, errlen, "%s/%s: %s", proc_root, what,
                 n < 0 ? strerror(errno) : "unexpected contents");
    return what ? -1 : 0;
}

double procstat_host_cpu_percent(const struct procstat_host *prev,
                                 const struct procstat_host *cur)
{
    uint64_t total, busy;

    if (cur->cpu.total <= prev->cpu.total || cur->cpu.busy < prev->cpu.busy)
        return NAN;
    total = cur->cpu.total - prev->cpu.total;
    busy = cur->cpu.busy - prev->cpu.busy;
    return busy > total ? 100.0 : (double)busy / (double)total * 100.0;
}
