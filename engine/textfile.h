/* textfile: reading the files a run is configured with (scenarios, CSV feeders, config files,
 * the CSV files `hornet report` reads) safely: only regular files are read, so a FIFO, a
 * device (/dev/zero, /dev/stdin) or a directory is refused at once instead of blocking forever
 * or growing without bound, and whole-file reads are capped. Any thread; no state. */
#ifndef HORNET_TEXTFILE_H
#define HORNET_TEXTFILE_H

#include <stddef.h>
#include <stdio.h>

/* Open path for reading when it is a regular file (opened without blocking, so a FIFO with no
 * writer is refused too). NULL with errno set (ENOENT when missing) and the reason in err, for
 * the caller to put after the path: "No such file or directory", "Is a directory", "not a
 * regular file (a FIFO)", "not a regular file (a device)". The caller closes the stream. */
FILE *textfile_open(const char *path, char *err, size_t errlen);

/* The whole of path, a regular file of at most max bytes, NUL-terminated (NULs inside are
 * kept: *len counts them); the caller frees it. NULL with the reason in err as textfile_open's
 * or "larger than 256 MB" (max in words), "out of memory", "read error". */
char *textfile_read(const char *path, size_t max, size_t *len, char *err, size_t errlen);

/* A configuration file's default name: its base name without ".json" ("scenarios/burst.json"
 * -> "burst"); malloc'd, NULL when out of memory. */
char *textfile_stem(const char *path);

#endif
