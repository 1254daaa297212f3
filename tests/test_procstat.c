/* Tests of engine/procstat: the /proc parsers on fixture text, the samplers on a fake /proc
 * tree (name, pid file and children matching, CPU % across pid reuse), and on the real /proc:
 * child processes started here (an idle one and a busy loop, found by name and by pid file),
 * open files denied to an unprivileged reader, and the host's load averages, memory and CPU. */
#define _GNU_SOURCE             /* mkdtemp */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include "procstat.h"
#include "procstat_internal.h"
#include "waits.h"

/* --- parsers --- */

static void test_parse_pid(void **state)
{
    static const char line[] =
        "4242 (my (weird) proc) S 1 4242 4242 0 -1 4194560 5123 0 12 0 731 245 3 1 20 0 5 0 "
        "987654 1234567890 3021 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 17 1 0 0 0 0 0\n";
    static const char kthread[] =
        "2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0 0 3 0 0 20 0 1 0 4 0 0 18446744073709551615 "
        "0 0 0 0 0 0 0 2147483647 0 1 0 0 0 0 0 0 0 0 0 0 0 0 0\n";
    struct procstat_pid p;

    (void)state;
    assert_int_equal(procstat_parse_pid(line, sizeof line - 1, &p), 0);
    assert_int_equal(p.pid, 4242);
    assert_string_equal(p.comm, "my (weird) proc");
    assert_int_equal(p.state, 'S');
    assert_int_equal(p.ppid, 1);
    assert_int_equal(p.utime, 731);
    assert_int_equal(p.stime, 245);
    assert_int_equal(p.threads, 5);
    assert_int_equal(p.start, 987654);
    assert_int_equal(p.vsize, 1234567890);
    assert_int_equal(p.rss_pages, 3021);
    assert_int_equal(procstat_parse_pid(kthread, sizeof kthread - 1, &p), 0);
    assert_string_equal(p.comm, "kthreadd");
    assert_int_equal(p.ppid, 0);
    assert_int_equal(p.rss_pages, 0);
    assert_int_equal(procstat_parse_pid("", 0, &p), -1);
    assert_int_equal(procstat_parse_pid("12 (x) S 1 2 3", 14, &p), -1);     /* cut short */
    assert_int_equal(procstat_parse_pid("x (y) S 1", 9, &p), -1);
    assert_int_equal(procstat_parse_pid("12 (x", 5, &p), -1);
    assert_int_equal(procstat_parse_pid(line, 40, &p), -1);
}

static void test_parse_argv0(void **state)
{
    static const char python[] = "/usr/bin/python3\0-m\0celery\0worker\0";
    static const char title[] = "gunicorn: worker [eucora.wsgi:application]\0\0\0\0";
    char out[64];

    (void)state;
    assert_int_equal(procstat_parse_argv0(python, sizeof python - 1, out, sizeof out), 7);
    assert_string_equal(out, "python3");
    assert_int_equal(procstat_parse_argv0(title, sizeof title - 1, out, sizeof out), 9);
    assert_string_equal(out, "gunicorn:");
    assert_int_equal(procstat_parse_argv0("redis-server", 12, out, sizeof out), 12);
    assert_string_equal(out, "redis-server");
    assert_int_equal(procstat_parse_argv0("", 0, out, sizeof out), 0);
    assert_string_equal(out, "");
    assert_int_equal(procstat_parse_argv0("/opt/a/longname", 15, out, 5), 4);
    assert_string_equal(out, "long");
    assert_int_equal(procstat_parse_argv0("/usr/bin/", 9, out, sizeof out), 0);
}

static void test_name_matches(void **state)
{
    (void)state;
    assert_true(procstat_name_matches("gunicorn", "gunicorn", ""));
    assert_true(procstat_name_matches("gunicorn", "python3", "gunicorn"));
    assert_true(procstat_name_matches("gunicorn", "python3", "gunicorn:"));
    assert_true(procstat_name_matches("postgres_exporter", "postgres_export", ""));
    assert_false(procstat_name_matches("postgres_exporter", "postgres", ""));
    assert_false(procstat_name_matches("gunicorn", "gunicorn2", "gunicornx"));
    assert_false(procstat_name_matches("gunicorn", "python3", "python3"));
    assert_false(procstat_name_matches("", "", ""));
}

static void test_parse_cpu(void **state)
{
    static const char stat[] =
        "cpu  10132153 290696 3084719 46828483 16683 0 25195 175 0 0\n"
        "cpu0 1393280 32966 572056 13343292 6130 0 17875 100 0 0\n"
        "cpu1 1335986 30116 415016 13452452 2536 0 2233 75 0 0\n"
        "intr 1462898 0 0 0\n"
        "ctxt 3380240\n";
    struct procstat_cpu c;

    (void)state;
    assert_int_equal(procstat_parse_cpu(stat, sizeof stat - 1, &c), 0);
    assert_int_equal(c.busy, 10132153ULL + 290696 + 3084719 + 0 + 25195 + 175);
    assert_int_equal(c.total, c.busy + 46828483ULL + 16683);
    assert_int_equal(c.ncpu, 2);
    assert_int_equal(procstat_parse_cpu("cpu  1 2 3 4\n", 13, &c), 0);  /* old kernels */
    assert_int_equal(c.busy, 6);
    assert_int_equal(c.total, 10);
    assert_int_equal(procstat_parse_cpu("cpu  1 2\n", 9, &c), -1);
    assert_int_equal(procstat_parse_cpu("intr 1 2 3\n", 11, &c), -1);
}

static void test_parse_meminfo(void **state)
{
    static const char modern[] =
        "MemTotal:       16318852 kB\nMemFree:          834740 kB\n"
        "MemAvailable:   11001436 kB\nBuffers:          563212 kB\nCached:          9037320 kB\n";
    static const char old[] =
        "MemTotal:  1000 kB\nMemFree:  100 kB\nBuffers:  20 kB\nCached:  300 kB\n";
    struct procstat_mem m;

    (void)state;
    assert_int_equal(procstat_parse_meminfo(modern, sizeof modern - 1, &m), 0);
    assert_int_equal(m.total, 16318852ULL * 1024);
    assert_int_equal(m.available, 11001436ULL * 1024);
    assert_int_equal(m.used, (16318852ULL - 11001436ULL) * 1024);
    assert_int_equal(procstat_parse_meminfo(old, sizeof old - 1, &m), 0);
    assert_int_equal(m.available, 420 * 1024);
    assert_int_equal(m.used, 580 * 1024);
    assert_int_equal(procstat_parse_meminfo("MemFree: 1 kB\n", 14, &m), -1);
}

static void test_parse_loadavg(void **state)
{
    struct procstat_load l;

    (void)state;
    assert_int_equal(procstat_parse_loadavg("0.52 1.58 12.05 2/634 12345\n", 28, &l), 0);
    assert_true(fabs(l.load1 - 0.52) < 1e-12 && fabs(l.load5 - 1.58) < 1e-12);
    assert_true(fabs(l.load15 - 12.05) < 1e-12);
    assert_int_equal(l.running, 2);
    assert_int_equal(l.tasks, 634);
    assert_int_equal(procstat_parse_loadavg("0.52 0.58\n", 10, &l), -1);
    assert_int_equal(procstat_parse_loadavg("0.52 0.58 0.59 2 634\n", 21, &l), -1);
}

/* --- a fake /proc tree --- */

static void put(const char *dir, const char *rel, const char *text, size_t len)
{
    char path[512];
    FILE *f;

    snprintf(path, sizeof path, "%s/%s", dir, rel);
    f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    fclose(f);
}

static void put_str(const char *dir, const char *rel, const char *text)
{
    put(dir, rel, text, strlen(text));
}

static void fake_proc(const char *root, int pid, int ppid, const char *comm, const char *cmdline,
                      size_t cmdline_len, unsigned ticks, unsigned long start, int fds)
{
    char rel[64], text[512];
    int n;

    snprintf(rel, sizeof rel, "%s/%d", root, pid);
    mkdir(rel, 0755);
    snprintf(rel, sizeof rel, "%s/%d/fd", root, pid);
    mkdir(rel, 0755);
    n = snprintf(text, sizeof text, "%d (%s) S %d %d %d 0 -1 0 0 0 0 0 %u %u 0 0 20 0 %d 0 %lu "
                 "100000 %d 0\n", pid, comm, ppid, pid, pid, ticks, ticks / 2, 1 + fds % 3, start,
                 100 * (pid % 10 + 1));
    snprintf(rel, sizeof rel, "%d/stat", pid);
    put(root, rel, text, (size_t)n);
    snprintf(rel, sizeof rel, "%d/cmdline", pid);
    put(root, rel, cmdline, cmdline_len);
    for (int i = 0; i < fds; i++) {
        snprintf(rel, sizeof rel, "%d/fd/%d", pid, i);
        put(root, rel, "", 0);
    }
}

static void remove_tree(const char *dir)
{
    char cmd[600];

    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static void test_fake_tree(void **state)
{
    char root[] = "/tmp/hornet-procstat-XXXXXX", pidfile[600], err[256] = "";
    struct procstat_sample a, b;
    struct procstat_match by_name = {.name = "gunicorn"};
    struct procstat_match by_file = {.pid_file = pidfile};
    struct procstat_match family = {.pid_file = pidfile, .children = true};
    struct procstat_host h;
    long page = sysconf(_SC_PAGESIZE);

    (void)state;
    assert_non_null(mkdtemp(root));
    fake_proc(root, 100, 1, "gunicorn", "gunicorn: master [app]", 22, 50, 1000, 5);
    fake_proc(root, 101, 100, "gunicorn", "gunicorn: worker [app]", 22, 400, 1010, 7);
    fake_proc(root, 102, 100, "python3", "/usr/bin/gunicorn\0app\0", 22, 300, 1011, 4);
    fake_proc(root, 200, 1, "postgres", "postgres\0", 9, 900, 900, 2);
    put_str(root, "stat", "cpu  100 0 50 800 50 0 0 0 0 0\ncpu0 1 1 1 1\n");
    put_str(root, "meminfo", "MemTotal: 2000 kB\nMemAvailable: 500 kB\n");
    put_str(root, "loadavg", "1.50 0.75 0.25 3/99 200\n");
    snprintf(pidfile, sizeof pidfile, "%s/gunicorn.pid", root);
    put_str(root, "gunicorn.pid", " 100\n");

    assert_int_equal(procstat_sample_procs(&by_name, root, 10.0, &a, err, sizeof err), 0);
    assert_int_equal(a.procs, 3);
    assert_int_equal(a.open_files, 5 + 7 + 4);
    assert_int_equal(a.rss_bytes, (uint64_t)(100 + 200 + 300) * (uint64_t)page);
    assert_int_equal(a.threads, (1 + 5 % 3) + (1 + 7 % 3) + (1 + 4 % 3));
    assert_int_equal(a.tracked, 3);
    assert_int_equal(a.pids[0].pid, 100);
    assert_int_equal(a.pids[2].ticks, 300 + 150);
    assert_int_equal(procstat_sample_procs(&by_file, root, 10.0, &b, err, sizeof err), 0);
    assert_int_equal(b.procs, 1);
    assert_int_equal(b.open_files, 5);
    assert_int_equal(procstat_sample_procs(&family, root, 10.0, &b, err, sizeof err), 0);
    assert_int_equal(b.procs, 3);

    /* Two seconds later: 101 used 100+50 ticks, 102 was replaced by a new process with the
     * same pid (it counts from the next interval on), 100 did not run. */
    fake_proc(root, 101, 100, "gunicorn", "gunicorn: worker [app]", 22, 500, 1010, 7);
    fake_proc(root, 102, 100, "python3", "/usr/bin/gunicorn\0app\0", 22, 20, 1300, 4);
    assert_int_equal(procstat_sample_procs(&by_name, root, 12.0, &b, err, sizeof err), 0);
    assert_true(fabs(procstat_cpu_percent(&a, &b, 100) - 150.0 / 100 / 2 * 100) < 1e-9);
    assert_true(isnan(procstat_cpu_percent(&b, &a, 100)));
    assert_true(isnan(procstat_cpu_percent(&a, &a, 100)));

    assert_int_equal(procstat_sample_host(root, 5.0, &h, err, sizeof err), 0);
    assert_int_equal(h.cpu.busy, 150);
    assert_int_equal(h.cpu.total, 1000);
    assert_int_equal(h.cpu.ncpu, 1);
    assert_int_equal(h.mem.total, 2000 * 1024);
    assert_int_equal(h.mem.used, 1500 * 1024);
    assert_true(h.load.load1 == 1.5 && h.load.tasks == 99);

    put_str(root, "gunicorn.pid", "nope\n");
    assert_int_equal(procstat_sample_procs(&by_file, root, 1, &b, err, sizeof err), -1);
    assert_non_null(strstr(err, "expected a process id, got 'nope"));
    put_str(root, "loadavg", "garbage\n");
    assert_int_equal(procstat_sample_host(root, 5.0, &h, err, sizeof err), -1);
    assert_non_null(strstr(err, "loadavg: unexpected contents"));
    remove_tree(root);
    assert_int_equal(procstat_sample_procs(&by_file, root, 1, &b, err, sizeof err), -1);
    assert_non_null(strstr(err, "No such file or directory"));
    assert_int_equal(procstat_sample_procs(&by_name, root, 1, &b, err, sizeof err), -1);
    assert_int_equal(procstat_sample_host(root, 5.0, &h, err, sizeof err), -1);
}

/* --- the real /proc --- */

/* Start argv[0] through a symlink named name (so its comm is name) in dir. */
static pid_t spawn_named(const char *dir, const char *name, const char *exe, char *const argv[])
{
    char link[600];
    pid_t pid;

    snprintf(link, sizeof link, "%s/%s", dir, name);
    assert_int_equal(symlink(exe, link), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        execv(link, argv);
        _exit(127);
    }
    return pid;
}

/* Sample m until it sees `want` processes, each past its exec (deadline 5 s): the name
 * changes inside execve before the new program has a resident page, so a process seen by name
 * at once may still show an RSS of 0. */
static void wait_procs(const struct procstat_match *m, uint32_t want, struct procstat_sample *s)
{
    char err[256];
    double deadline = waits_now() + 5;

    do {
        assert_int_equal(procstat_sample_procs(m, "/proc", waits_now(), s, err, sizeof err), 0);
        if (s->procs == want && (want == 0 || s->rss_bytes > 0))
            return;
        waits_pause();
    } while (waits_now() < deadline);
    fail_msg("%u processes matched, want %u", s->procs, want);
}

static void stop_child(pid_t pid)
{
    int status;

    kill(pid, SIGKILL);
    assert_int_equal(waitpid(pid, &status, 0), pid);
}

static void test_real_children(void **state)
{
    static struct procstat_sample s0, s1;
    char dir[] = "/tmp/hornet-procstat-XXXXXX", idle_name[16], busy_name[16], pidfile[600];
    char sleep_s[] = "sleep", thirty[] = "30", sh[] = "sh", dash_c[] = "-c";
    char loop[] = "while :; do :; done";
    char *idle_argv[] = {sleep_s, thirty, NULL};
    char *busy_argv[] = {sh, dash_c, loop, NULL};
    struct procstat_match idle_m = {.name = idle_name}, busy_m = {.name = busy_name};
    struct procstat_match family = {.pid_file = pidfile, .children = true};
    char text[32], err[256];
    pid_t idle, busy;
    long hz = sysconf(_SC_CLK_TCK);
    double pct, deadline;

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(idle_name, sizeof idle_name, "hbidle%d", (int)getpid() % 100000);
    snprintf(busy_name, sizeof busy_name, "hbbusy%d", (int)getpid() % 100000);
    idle = spawn_named(dir, idle_name, "/bin/sleep", idle_argv);
    busy = spawn_named(dir, busy_name, "/bin/sh", busy_argv);

    wait_procs(&idle_m, 1, &s0);
    assert_int_equal(s0.pids[0].pid, idle);
    assert_true(s0.rss_bytes > 0);
    assert_int_equal(s0.threads, 1);
    assert_true(s0.open_files >= 3);        /* stdin, stdout, stderr at least */
    assert_int_equal(s0.fd_denied, 0);

    /* The busy loop: CPU % between two samples at least 0.2 s of its CPU apart. */
    wait_procs(&busy_m, 1, &s0);
    deadline = waits_now() + 10;
    do {
        waits_pause();
        assert_int_equal(procstat_sample_procs(&busy_m, "/proc", waits_now(), &s1, err,
                                               sizeof err), 0);
    } while (s1.pids[0].ticks - s0.pids[0].ticks < (uint64_t)hz / 5 &&
             waits_now() < deadline);
    pct = procstat_cpu_percent(&s0, &s1, hz);
    if (!(pct > 0 && pct <= 100 * (1 + 2.0 / ((double)hz / 5))))
        fail_msg("busy loop at %.1f%% CPU", pct);

    /* The pid file of this test with children: this process and both children. */
    snprintf(pidfile, sizeof pidfile, "%s/self.pid", dir);
    snprintf(text, sizeof text, "%d\n", (int)getpid());
    put_str(dir, "self.pid", text);
    wait_procs(&family, 3, &s1);
    assert_int_equal(s1.tracked, 3);

    stop_child(idle);
    stop_child(busy);
    wait_procs(&idle_m, 0, &s1);
    wait_procs(&family, 1, &s1);
    remove_tree(dir);
}

/* An unprivileged reader cannot list another user's /proc/PID/fd: counted, not fatal. */
static void test_fd_denied(void **state)
{
    char file[] = "/tmp/hornet-procstat-pidXXXXXX";
    int fd = mkstemp(file), status;
    pid_t pid;

    (void)state;
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "1\n", 2), 2);
    assert_int_equal(fchmod(fd, 0644), 0);
    close(fd);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        char err[256];
        struct procstat_match one = {.pid_file = file};
        struct procstat_sample *s = malloc(sizeof *s);
        if (!s || (geteuid() == 0 && setuid(65534) != 0))
            _exit(11);
        if (procstat_sample_procs(&one, "/proc", 1, s, err, sizeof err))
            _exit(12);
        _exit(s->procs == 1 && s->fd_denied == 1 && s->open_files == 0 ? 0 : 13);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    unlink(file);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_read_self(void **state)
{
    struct procstat_pid self, thread;
    uint32_t fds = 0, fds_after = 0;
    int extra;

    (void)state;
    assert_int_equal(procstat_read_pid("/proc", "self", &self), 0);
    assert_int_equal(self.pid, (int)getpid());
    assert_int_equal(self.threads, 1);
    assert_true(self.rss_pages > 0 && self.vsize > 0);
    assert_int_equal(procstat_read_pid("/proc", "thread-self", &thread), 0);
    assert_int_equal(thread.pid, (int)getpid());        /* the main thread's id is the pid */
    assert_int_equal(procstat_count_fds("/proc", "self", &fds), 0);
    extra = dup(2);
    assert_true(extra >= 0);
    assert_int_equal(procstat_count_fds("/proc", "self", &fds_after), 0);
    assert_int_equal(fds_after, fds + 1);
    close(extra);
    assert_int_equal(procstat_read_pid("/proc", "0", &self), -1);
    assert_int_equal(procstat_count_fds("/proc", "0", &fds), -1);
}

static void test_real_host(void **state)
{
    char before[128], after[128], err[256];
    struct procstat_host h0, h1;
    double l0[3] = {0}, l1[3] = {-1};
    double deadline = waits_now() + 10, pct;
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    FILE *f;

    (void)state;
    /* The load averages equal /proc/loadavg's when it did not change meanwhile. */
    for (;;) {
        f = fopen("/proc/loadavg", "r");
        assert_non_null(f);
        assert_non_null(fgets(before, sizeof before, f));
        fclose(f);
        assert_int_equal(procstat_sample_host("/proc", waits_now(), &h0, err, sizeof err),
                         0);
        f = fopen("/proc/loadavg", "r");
        assert_non_null(fgets(after, sizeof after, f));
        fclose(f);
        assert_int_equal(sscanf(before, "%lf %lf %lf", &l0[0], &l0[1], &l0[2]), 3);
        assert_int_equal(sscanf(after, "%lf %lf %lf", &l1[0], &l1[1], &l1[2]), 3);
        if (!memcmp(l0, l1, sizeof l0) || waits_now() > deadline)
            break;
    }
    assert_memory_equal(l0, l1, sizeof l0);
    assert_true(h0.load.load1 == l0[0] && h0.load.load5 == l0[1] && h0.load.load15 == l0[2]);

    /* Memory: MemTotal is what sysconf sees (within 1%), available at most that. */
    assert_true(fabs((double)h0.mem.total - (double)pages * (double)page) <
                0.01 * (double)h0.mem.total);
    assert_true(h0.mem.available <= h0.mem.total && h0.mem.available > 0);
    assert_int_equal(h0.mem.used, h0.mem.total - h0.mem.available);
    assert_int_equal(h0.cpu.ncpu, (uint32_t)sysconf(_SC_NPROCESSORS_ONLN));

    /* CPU busy %: between 0 and 100 once ticks passed. */
    do {
        waits_pause();
        assert_int_equal(procstat_sample_host("/proc", waits_now(), &h1, err, sizeof err),
                         0);
    } while (h1.cpu.total == h0.cpu.total && waits_now() < deadline);
    pct = procstat_host_cpu_percent(&h0, &h1);
    assert_true(pct >= 0 && pct <= 100);
    assert_true(isnan(procstat_host_cpu_percent(&h1, &h1)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_pid),
        cmocka_unit_test(test_parse_argv0),
        cmocka_unit_test(test_name_matches),
        cmocka_unit_test(test_parse_cpu),
        cmocka_unit_test(test_parse_meminfo),
        cmocka_unit_test(test_parse_loadavg),
        cmocka_unit_test(test_fake_tree),
        cmocka_unit_test(test_real_children),
        cmocka_unit_test(test_fd_denied),
        cmocka_unit_test(test_read_self),
        cmocka_unit_test(test_real_host),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
