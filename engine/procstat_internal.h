/* procstat_internal: the parsers of /proc texts, which the tests feed with fixture text;
 * the samplers call them. Any thread. */
#ifndef HORNET_PROCSTAT_INTERNAL_H
#define HORNET_PROCSTAT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include "procstat.h"

/* Parse the text of /proc/PID/stat (the name may hold spaces and parentheses: it ends at the
 * last ')'). 0, or -1 when the text is not such a line. */
int procstat_parse_pid(const char *text, size_t len, struct procstat_pid *out);

/* The basename of argv[0] from the text of /proc/PID/cmdline (NUL-separated arguments) into
 * out (NUL-terminated, cut to outsz - 1 bytes). Its length; 0 for an empty command line
 * (kernel threads, zombies). */
size_t procstat_parse_argv0(const char *text, size_t len, char *out, size_t outsz);

/* Does a process with this comm and argv[0] basename answer to name? comm equal to name (or
 * to its first 15 bytes, the kernel's cut), argv[0]'s basename equal to name, or argv[0]
 * rewritten by setproctitle ("gunicorn: worker [app]") starting with name then ':' or ' '. */
bool procstat_name_matches(const char *name, const char *comm, const char *argv0);

/* The "cpu" line of /proc/stat. 0, or -1 without one. */
int procstat_parse_cpu(const char *text, size_t len, struct procstat_cpu *out);

/* /proc/meminfo (see struct procstat_mem). 0, or -1 without MemTotal. */
int procstat_parse_meminfo(const char *text, size_t len, struct procstat_mem *out);

/* /proc/loadavg. 0, or -1. */
int procstat_parse_loadavg(const char *text, size_t len, struct procstat_load *out);

#endif
