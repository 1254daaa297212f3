/* Fuzz target: hornet's option parser (src/options.c) over its three sources. An input is a
 * config file given with --config; one that starts with "ARGV\n" is instead lines of a
 * command line and an environment (lines with '=' after "HORNET_" go to the environment),
 * with the rest after a "---" line as the config file. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "fuzz.h"
#include "options.h"

enum { MAX_ARGS = 64 };

static int config_fd = -1;

/* The config file's text, at /proc/self/fd/N (a regular file, as options wants). */
static void write_config(const char *text, size_t n, char *path, size_t cap)
{
    if (config_fd < 0 && (config_fd = memfd_create("fuzz.conf", 0)) < 0)
        abort();
    if (ftruncate(config_fd, 0) < 0 || (n && pwrite(config_fd, text, n, 0) != (ssize_t)n))
        abort();
    snprintf(path, cap, "/proc/self/fd/%d", config_fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_text(data, size), *argv[MAX_ARGS + 4], *envp[MAX_ARGS + 1], path[64];
    char err[512], *conf = text, *line, name[] = "hornet", flag[] = "--config";
    int argc = 0, envc = 0;
    struct options o;

    argv[argc++] = name;
    if (strncmp(text, "ARGV\n", 5) == 0) {
        char *end = strstr(text + 5, "\n---\n");
        conf = end ? end + 5 : text + size;
        if (end)
            *end = '\0';
        for (line = strtok(text + 5, "\n"); line; line = strtok(NULL, "\n"))
            if (strncmp(line, "HORNET_", 7) == 0 && strchr(line, '=') && envc < MAX_ARGS)
                envp[envc++] = line;
            else if (argc < MAX_ARGS)
                argv[argc++] = line;
    }
    write_config(conf, size - (size_t)(conf - text), path, sizeof path);
    argv[argc++] = flag;
    argv[argc++] = path;
    argv[argc] = NULL;
    envp[envc] = NULL;
    (void)options_parse(&o, argc, argv, envp, err, sizeof err);
    options_free(&o);
    free(text);
    return 0;
}
